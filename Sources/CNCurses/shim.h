// The parts of ncursesw that Swift cannot import directly (macros and globals), wrapped in
// static inline functions. Only the CursesTerminal target uses this module.
#ifndef CACHEWATCH_CNCURSES_SHIM_H
#define CACHEWATCH_CNCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <langinfo.h>
#include <locale.h>
#include <ncursesw/curses.h>
#include <string.h>

static inline WINDOW *cw_stdscr(void) { return stdscr; }
static inline int cw_lines(void) { return LINES; }
static inline int cw_cols(void) { return COLS; }
static inline int cw_colors(void) { return COLORS; }

static inline int cw_attr_normal(void) { return (int)A_NORMAL; }
static inline int cw_attr_bold(void) { return (int)A_BOLD; }
static inline int cw_attr_dim(void) { return (int)A_DIM; }
static inline int cw_attr_reverse(void) { return (int)A_REVERSE; }
static inline int cw_color_pair(int pair) { return (int)COLOR_PAIR(pair); }

static inline int cw_attrset(int attributes) { return attrset(attributes); }
static inline int cw_mvaddstr(int y, int x, const char *text) { return mvaddstr(y, x, text); }
static inline int cw_erase(void) { return erase(); }
static inline int cw_clear(void) { return clear(); }
static inline int cw_refresh(void) { return refresh(); }
static inline void cw_timeout(int milliseconds) { timeout(milliseconds); }
static inline int cw_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
static inline int cw_get_wch(wint_t *character) { return get_wch(character); }
static inline int cw_key_code_yes(void) { return KEY_CODE_YES; }
static inline int cw_key_f(int number) { return KEY_F(number); }

/// Asks for wheel events; returns whether the terminal reports the mouse at all.
static inline int cw_enable_wheel(void) {
#if NCURSES_MOUSE_VERSION > 1
    return mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL) != 0;
#else
    return 0;
#endif
}

/// After KEY_MOUSE: -1 for wheel up, 1 for wheel down, 0 for anything else.
static inline int cw_read_wheel(void) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
#if NCURSES_MOUSE_VERSION > 1
    if (event.bstate & BUTTON4_PRESSED) return -1;
    if (event.bstate & BUTTON5_PRESSED) return 1;
#endif
    return 0;
}

/// Whether the current locale's character set is UTF-8 (call after setlocale).
static inline int cw_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

#endif
