// A hostile guest: tries every way out of its preopen (/data) and reports the errno. Run
// under Shard only (Node's WASI follows symlinks out of a preopen); the expected output is
// in the test.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void try_open(const char* path, int flags) {
  errno = 0;
  int fd = open(path, flags, 0644);
  printf("open %s: %s\n", path, fd >= 0 ? "OPENED" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  if (fd >= 0) close(fd);
}

int main(void) {
  try_open("/data/../secret.txt", O_RDONLY);
  try_open("/data/sub/../../secret.txt", O_RDONLY);
  try_open("/data/escape_rel", O_RDONLY);
  try_open("/data/escape_abs", O_RDONLY);
  try_open("/data/escape_dir/secret.txt", O_RDONLY);
  try_open("/data/escape_rel", O_WRONLY | O_CREAT);
  try_open("/secret.txt", O_RDONLY);
  try_open("/data/ok.txt", O_RDONLY);
  errno = 0;
  printf("mkdir ../made: %s\n", mkdir("/data/../made", 0755) == 0 ? "MADE" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  errno = 0;
  printf("symlink to /: %s\n", symlink("/", "/data/root") == 0 ? "MADE" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  errno = 0;
  printf("rename out: %s\n", rename("/data/ok.txt", "/data/../stolen.txt") == 0 ? "MOVED" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  errno = 0;
  int fd = open("/ro/new.txt", O_WRONLY | O_CREAT, 0644);
  printf("readonly create: %s\n", fd >= 0 ? "CREATED" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  errno = 0;
  fd = open("/ro/file.txt", O_WRONLY);
  ssize_t n = fd >= 0 ? write(fd, "x", 1) : -1;
  printf("readonly O_WRONLY write: %s\n", n >= 0 ? "WRITTEN" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  errno = 0;
  printf("readonly unlink: %s\n", unlink("/ro/file.txt") == 0 ? "REMOVED" : errno == ENOTCAPABLE ? "ENOTCAPABLE" : strerror(errno));
  return 0;
}
