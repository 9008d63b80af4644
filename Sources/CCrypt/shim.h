// libcrypt (libxcrypt: Debian's libcrypt1, on every machine) for checking the bcrypt hashes of
// the metrics endpoint's basic_auth_users.
#include <crypt.h>
