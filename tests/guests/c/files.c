// Files and directories under the preopen /data: create, write, read, seek, append,
// truncate, rename, link, symlink, readlink, stat, readdir, unlink, rmdir. Leaves a known
// tree behind for the differential test to compare.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CHECK(x) do { if (!(x)) { printf("FAILED line %d: %s (errno %d)\n", __LINE__, #x, errno); exit(1); } } while (0)

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void list(const char* dir) {
  DIR* d = opendir(dir);
  CHECK(d != NULL);
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char buf[300];
    snprintf(buf, sizeof buf, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
    names[n++] = strdup(buf);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s:", dir);
  for (int i = 0; i < n; ++i) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

int main(void) {
  FILE* f = fopen("/data/hello.txt", "w");
  CHECK(f != NULL);
  fprintf(f, "hello, world\n");
  CHECK(fclose(f) == 0);

  int fd = open("/data/hello.txt", O_RDWR);
  CHECK(fd >= 0);
  char buf[64] = {0};
  CHECK(read(fd, buf, 5) == 5);
  printf("read: %s\n", buf);
  CHECK(lseek(fd, 7, SEEK_SET) == 7);
  CHECK(write(fd, "WORLD", 5) == 5);
  CHECK(lseek(fd, 0, SEEK_CUR) == 12);
  CHECK(pwrite(fd, "H", 1, 0) == 1);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, sizeof buf - 1, 0) == 13);
  printf("pread: %s", buf);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  CHECK(ftruncate(fd, 5) == 0);
  CHECK(fstat(fd, &st) == 0);
  printf("truncated size %lld\n", (long long)st.st_size);
  CHECK(fsync(fd) == 0);
  CHECK(close(fd) == 0);

  fd = open("/data/hello.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(write(fd, "+appended", 9) == 9);
  CHECK(close(fd) == 0);

  CHECK(open("/data/hello.txt", O_CREAT | O_EXCL | O_WRONLY, 0644) < 0);
  printf("O_EXCL on existing: errno %s\n", errno == EEXIST ? "EEXIST" : "other");
  CHECK(open("/data/missing.txt", O_RDONLY) < 0);
  printf("missing: errno %s\n", errno == ENOENT ? "ENOENT" : "other");

  CHECK(mkdir("/data/dir", 0755) == 0);
  CHECK(mkdir("/data/dir", 0755) < 0 && errno == EEXIST);
  CHECK(mkdir("/data/dir/nested", 0755) == 0);
  f = fopen("/data/dir/nested/deep.txt", "w");
  CHECK(f != NULL);
  fputs("deep\n", f);
  fclose(f);
  CHECK(rmdir("/data/dir") < 0);
  printf("rmdir non-empty: errno %s\n", errno == ENOTEMPTY ? "ENOTEMPTY" : "other");

  CHECK(rename("/data/hello.txt", "/data/dir/renamed.txt") == 0);
  CHECK(access("/data/hello.txt", F_OK) < 0);
  CHECK(link("/data/dir/renamed.txt", "/data/hardlink.txt") == 0);
  CHECK(stat("/data/hardlink.txt", &st) == 0);
  printf("nlink %d size %lld\n", (int)st.st_nlink, (long long)st.st_size);
  CHECK(symlink("dir/renamed.txt", "/data/symlink.txt") == 0);
  char target[64] = {0};
  CHECK(readlink("/data/symlink.txt", target, sizeof target - 1) > 0);
  printf("readlink: %s\n", target);
  CHECK(lstat("/data/symlink.txt", &st) == 0 && S_ISLNK(st.st_mode));
  CHECK(stat("/data/symlink.txt", &st) == 0 && S_ISREG(st.st_mode));
  f = fopen("/data/symlink.txt", "r");
  CHECK(f != NULL);
  memset(buf, 0, sizeof buf);
  CHECK(fgets(buf, sizeof buf, f) != NULL);
  fclose(f);
  printf("through symlink: %s\n", buf);

  struct timespec times[2] = {{1000000, 0}, {2000000, 0}};
  CHECK(utimensat(AT_FDCWD, "/data/hardlink.txt", times, 0) == 0);
  CHECK(stat("/data/hardlink.txt", &st) == 0);
  printf("mtime %lld\n", (long long)st.st_mtim.tv_sec);

  f = fopen("/data/scratch.txt", "w");
  CHECK(f != NULL);
  fclose(f);
  CHECK(unlink("/data/scratch.txt") == 0);
  CHECK(unlink("/data/scratch.txt") < 0 && errno == ENOENT);
  CHECK(mkdir("/data/empty", 0755) == 0);
  CHECK(rmdir("/data/empty") == 0);

  list("/data");
  list("/data/dir");
  list("/data/dir/nested");
  printf("done\n");
  return 0;
}
