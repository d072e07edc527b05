// Accepts one connection on the first socket handed in (fd 3 when there are no preopens),
// echoes one line back in upper case, and exits. Shows that a guest reaches the network only
// through a socket the host granted.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
  int conn = accept(3, NULL, NULL);
  if (conn < 0) {
    printf("accept failed: %s\n", strerror(errno));
    return 1;
  }
  char buf[256];
  ssize_t n = recv(conn, buf, sizeof buf, 0);
  if (n <= 0) {
    printf("recv failed: %s\n", strerror(errno));
    return 1;
  }
  for (ssize_t i = 0; i < n; ++i) buf[i] = (char)toupper((unsigned char)buf[i]);
  if (send(conn, buf, (size_t)n, 0) != n) {
    printf("send failed: %s\n", strerror(errno));
    return 1;
  }
  shutdown(conn, SHUT_RDWR);
  close(conn);
  printf("echoed %zd bytes\n", n);
  return 0;
}
