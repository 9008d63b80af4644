#!/usr/bin/env python3
"""Renders a `tmux capture-pane -p -e` capture (text with SGR colour escapes) to a PNG.

Text is drawn with DejaVu Sans Mono; braille, box-drawing and block characters are drawn as
shapes so that graphs and borders look as they do in a terminal, whatever the font covers.

    render_screenshot.py CAPTURE.txt OUT.png [--columns N --rows N]
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
FONT_SIZE = 15
BACKGROUND = (24, 26, 33)
FOREGROUND = (214, 219, 229)
# The 16 ANSI colours, tuned for a dark background.
PALETTE = [
    (40, 44, 52), (224, 108, 117), (152, 195, 121), (229, 192, 123),
    (97, 175, 239), (198, 120, 221), (86, 182, 194), (171, 178, 191),
    (110, 118, 135), (240, 128, 137), (172, 215, 141), (249, 212, 143),
    (117, 195, 255), (218, 140, 241), (106, 202, 214), (230, 235, 245),
]
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_256(index):
    if index < 16:
        return PALETTE[index]
    if index < 232:
        index -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[index // 36], steps[(index // 6) % 6], steps[index % 6])
    level = 8 + (index - 232) * 10
    return (level, level, level)


class Style:
    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = False
        self.dim = False
        self.reverse = False

    def apply(self, codes):
        codes = [int(c) if c else 0 for c in codes.split(";")] if codes else [0]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                self.reset()
            elif code == 1:
                self.bold = True
            elif code == 2:
                self.dim = True
            elif code == 7:
                self.reverse = True
            elif code == 22:
                self.bold = self.dim = False
            elif code == 27:
                self.reverse = False
            elif 30 <= code <= 37:
                self.fg = PALETTE[code - 30]
            elif 90 <= code <= 97:
                self.fg = PALETTE[code - 90 + 8]
            elif 40 <= code <= 47:
                self.bg = PALETTE[code - 40]
            elif 100 <= code <= 107:
                self.bg = PALETTE[code - 100 + 8]
            elif code == 39:
                self.fg = None
            elif code == 49:
                self.bg = None
            elif code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = colour_256(codes[i + 2])
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = tuple(codes[i + 2:i + 5])
                    i += 4
                else:
                    value = None
                if code == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1

    def colours(self):
        fg = self.fg or FOREGROUND
        if self.bold and self.fg in PALETTE[:8]:
            fg = PALETTE[PALETTE.index(self.fg) + 8]
        bg = self.bg or BACKGROUND
        if self.reverse:
            fg, bg = (self.bg or BACKGROUND), (self.fg or FOREGROUND)
        if self.dim:
            fg = tuple((a + b) // 2 for a, b in zip(fg, bg))
        return fg, bg


def parse(text):
    """Returns rows of (character, fg, bg, bold) cells."""
    style = Style()
    rows = []
    for line in text.split("\n"):
        cells = []
        position = 0
        for match in SGR.finditer(line):
            for character in line[position:match.start()]:
                fg, bg = style.colours()
                cells.append((character, fg, bg, style.bold))
            style.apply(match.group(1))
            position = match.end()
        for character in line[position:]:
            fg, bg = style.colours()
            cells.append((character, fg, bg, style.bold))
        rows.append(cells)
    return rows


LIGHT_BOX = {
    "─": "lr", "│": "ud", "┌": "rd", "┐": "ld", "└": "ru", "┘": "lu",
    "├": "udr", "┤": "udl", "┬": "lrd", "┴": "lru", "┼": "lrud",
}
BLOCKS = {"▁": 1, "▂": 2, "▃": 3, "▄": 4, "▅": 5, "▆": 6, "▇": 7, "█": 8}


def draw_cell(draw, x, y, w, h, character, fg, font, bold_font, bold):
    code = ord(character)
    if 0x2800 <= code <= 0x28FF:
        bits = code - 0x2800
        # Dot order: 1,2,3,7 down the left column; 4,5,6,8 down the right one.
        positions = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]
        radius = max(1.2, w / 6)
        for bit, (column, row) in enumerate(positions):
            if bits & (1 << bit):
                cx = x + w * (0.3 + 0.4 * column)
                cy = y + h * (0.125 + 0.25 * row)
                draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=fg)
        return
    if character in LIGHT_BOX:
        mx, my = x + w // 2, y + h // 2
        sides = LIGHT_BOX[character]
        if "l" in sides:
            draw.line([x, my, mx, my], fill=fg, width=1)
        if "r" in sides:
            draw.line([mx, my, x + w, my], fill=fg, width=1)
        if "u" in sides:
            draw.line([mx, y, mx, my], fill=fg, width=1)
        if "d" in sides:
            draw.line([mx, my, mx, y + h], fill=fg, width=1)
        return
    if character == "╳":
        draw.line([x + 1, y + 2, x + w - 2, y + h - 3], fill=fg, width=1)
        draw.line([x + w - 2, y + 2, x + 1, y + h - 3], fill=fg, width=1)
        return
    if character in BLOCKS:
        top = y + h - h * BLOCKS[character] / 8
        draw.rectangle([x, top, x + w - 1, y + h - 1], fill=fg)
        return
    if character == "░":
        for dy in range(0, h, 2):
            for dx in range((dy // 2) % 2, w, 2):
                draw.point((x + dx, y + dy), fill=fg)
        return
    if character != " ":
        draw.text((x, y), character, font=bold_font if bold else font, fill=fg)


def render(capture_path, output_path, columns=None, rows_wanted=None):
    with open(capture_path, encoding="utf-8") as handle:
        rows = parse(handle.read().rstrip("\n"))
    if rows_wanted:
        rows = (rows + [[]] * rows_wanted)[:rows_wanted]
    columns = columns or max(len(row) for row in rows)
    font = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", FONT_SIZE)
    bold_font = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", FONT_SIZE)
    cell_width = round(font.getlength("M"))
    cell_height = round(FONT_SIZE * 1.25)
    margin = 12
    image = Image.new("RGB", (columns * cell_width + 2 * margin, len(rows) * cell_height + 2 * margin), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for row_index, row in enumerate(rows):
        for column_index in range(columns):
            character, fg, bg, bold = row[column_index] if column_index < len(row) else (" ", FOREGROUND, BACKGROUND, False)
            x = margin + column_index * cell_width
            y = margin + row_index * cell_height
            if bg != BACKGROUND:
                draw.rectangle([x, y, x + cell_width - 1, y + cell_height - 1], fill=bg)
            draw_cell(draw, x, y, cell_width, cell_height, character, fg, font, bold_font, bold)
    image.save(output_path)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    options = {}
    while len(arguments) > 2 and arguments[-2].startswith("--"):
        options[arguments[-2][2:]] = int(arguments[-1])
        arguments = arguments[:-2]
    if len(arguments) != 2:
        sys.exit(__doc__)
    render(arguments[0], arguments[1], options.get("columns"), options.get("rows"))
