#include <fcntl.h>
#include <linux/stat.h>

/// glibc declares statx only under _GNU_SOURCE, which the Swift Glibc module is built without, and the
/// function shares its name with its struct: declared here (as glibc does) and wrapped under another name.
extern int statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buffer);

/// `AT_EMPTY_PATH` (also `_GNU_SOURCE` only): `path` is empty and `dirfd` the file itself.
static const int clinuxstat_at_empty_path = 0x1000;

static inline int clinuxstat_statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buffer) {
    return statx(dirfd, path, flags, mask, buffer);
}
