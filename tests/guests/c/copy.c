// copy SRC DST: copies a file, e.g. between two preopened directories. Prints what failed
// (with the WASI errno's text) and exits 1 when the sandbox or the file system says no.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: copy SRC DST\n");
    return 2;
  }
  int in = open(argv[1], O_RDONLY);
  if (in < 0) {
    printf("cannot open %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0) {
    printf("cannot create %s: %s\n", argv[2], strerror(errno));
    return 1;
  }
  char buf[4096];
  long total = 0;
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0) {
      printf("read failed: %s\n", strerror(errno));
      return 1;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buf + done, (size_t)(n - done));
      if (w < 0) {
        printf("write failed: %s\n", strerror(errno));
        return 1;
      }
      done += w;
    }
    total += n;
  }
  close(in);
  if (close(out) != 0) {
    printf("close failed: %s\n", strerror(errno));
    return 1;
  }
  printf("copied %ld bytes\n", total);
  return 0;
}
