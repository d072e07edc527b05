// Sandboxed path resolution: a guest path is resolved beneath the directory fd it is
// relative to, and can never name anything outside it — not through "..", not through an
// absolute path, not through a symlink, and not through a rename or symlink swap racing
// with the resolution.
//
// Two strategies, same results:
//  * openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) opens the parent directory; the kernel
//    refuses any escape atomically (EXDEV). Used when the kernel has it (Linux >= 5.6).
//  * Otherwise a walk one component at a time, each step an openat(O_PATH | O_NOFOLLOW)
//    relative to the directory fd of the previous step. ".." pops the walk's own stack of
//    fds (never the host's ".."), symlinks are read and their target spliced into the
//    remaining components, so their ".." and absolute targets get the same checks.
// Either way the final component is returned by name, to be used with *at calls that do
// not follow it.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>

#include "wasi/impl.h"

namespace shard::wasi {

namespace {

/// POSIX's SYMLOOP_MAX on Linux: more links than this in one resolution is ELOOP.
constexpr int kMaxSymlinks = 40;

/// Reads the symlink `name` in `dir`. Fails with NotCapable for an absolute target (it
/// would leave the sandbox whatever it names) and NoEnt for an empty one.
Errno read_link_target(int dir, const std::string& name, std::string& target) {
  char buf[PATH_MAX];
  ssize_t n = readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n < 0) return last_errno();
  if (static_cast<size_t>(n) >= sizeof buf) return Errno::NameTooLong;
  target.assign(buf, static_cast<size_t>(n));
  if (target.empty()) return Errno::NoEnt;
  if (target.front() == '/') return Errno::NotCapable;
  return Errno::Success;
}

bool is_symlink(int dir, const std::string& name) {
  struct stat st;
  return fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
}

/// Components of a relative path, in order, without empty ones.
void split_components(std::string_view path, std::deque<std::string>& out) {
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
}

Errno resolve_by_walk(int dirfd, std::string_view path, bool follow_last, Resolved& out) {
  std::vector<UniqueFd> stack;  // directories entered beneath dirfd; empty = at dirfd
  auto cur = [&] { return stack.empty() ? dirfd : stack.back().get(); };
  std::deque<std::string> todo;
  split_components(path, todo);
  if (todo.empty()) todo.emplace_back(".");
  int links = 0;
  std::string name;
  auto splice_link = [&](const std::string& comp) -> Errno {
    if (++links > kMaxSymlinks) return Errno::Loop;
    std::string target;
    if (Errno e = read_link_target(cur(), comp, target); e != Errno::Success) return e;
    std::deque<std::string> parts;
    split_components(target, parts);
    todo.insert(todo.begin(), parts.begin(), parts.end());
    if (todo.empty()) todo.emplace_back(".");
    return Errno::Success;
  };

  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    const bool last = todo.empty();
    if (comp == "." || comp == "..") {
      if (comp == "..") {
        if (stack.empty()) return Errno::NotCapable;
        stack.pop_back();
      }
      if (last) name = ".";
      continue;
    }
    if (last) {
      if (follow_last && is_symlink(cur(), comp)) {
        if (Errno e = splice_link(comp); e != Errno::Success) return e;
        continue;
      }
      name = std::move(comp);
      break;
    }
    int fd = openat(cur(), comp.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      stack.emplace_back(fd);
      continue;
    }
    int err = errno;
    if ((err == ENOTDIR || err == ELOOP) && is_symlink(cur(), comp)) {
      if (Errno e = splice_link(comp); e != Errno::Success) return e;
      continue;
    }
    return from_host_errno(err);
  }
  if (!stack.empty()) {
    out.owned = std::move(stack.back());
    out.parent = out.owned.get();
  } else {
    out.parent = dirfd;
  }
  out.name = std::move(name);
  return Errno::Success;
}

/// Outcome of the openat2 strategy: done (with `err`), the kernel lacks openat2, or renames
/// kept racing it (this one resolution then walks instead).
enum class Beneath { Done, Unavailable, Busy };

Beneath resolve_beneath(int dirfd, std::string path, bool follow_last, Resolved& out, Errno& err) {
  int links = 0;
  for (;;) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    size_t slash = path.rfind('/');
    std::string parent = slash == std::string::npos ? "." : path.substr(0, slash);
    std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
    if (last == "." || last == "..") {
      parent = path;
      last = ".";
    }
    UniqueFd pfd;
    if (parent != ".") {
      open_how how{};
      how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
      how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
      long r;
      int tries = 0;
      // EAGAIN: a concurrent rename raced the kernel's check; it asks us to retry.
      do {
        r = syscall(SYS_openat2, dirfd, parent.c_str(), &how, sizeof how);
      } while (r < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < 16);
      if (r < 0) {
        if (errno == ENOSYS) return Beneath::Unavailable;
        if (errno == EAGAIN) return Beneath::Busy;
        err = errno == EXDEV ? Errno::NotCapable : last_errno();
        return Beneath::Done;
      }
      pfd.reset(static_cast<int>(r));
    }
    int dir = pfd.valid() ? pfd.get() : dirfd;
    if (follow_last && last != "." && is_symlink(dir, last)) {
      if (++links > kMaxSymlinks) {
        err = Errno::Loop;
        return Beneath::Done;
      }
      std::string target;
      if (Errno e = read_link_target(dir, last, target); e != Errno::Success) {
        err = e;
        return Beneath::Done;
      }
      path = parent + "/" + target;
      continue;
    }
    out.owned = std::move(pfd);
    out.parent = dir;
    out.name = std::move(last);
    err = Errno::Success;
    return Beneath::Done;
  }
}

}  // namespace

Errno resolve_path(bool& use_openat2, int dirfd, std::string_view path, bool follow_last, Resolved& out) {
  if (path.empty()) return Errno::NoEnt;
  if (path.front() == '/') return Errno::NotCapable;
  out.trailing_slash = path.back() == '/';
  if (out.trailing_slash) follow_last = true;  // POSIX: "link/" names what the link points to
  if (use_openat2) {
    Errno err = Errno::Success;
    Beneath b = resolve_beneath(dirfd, std::string(path), follow_last, out, err);
    if (b == Beneath::Done) return err;
    if (b == Beneath::Unavailable) use_openat2 = false;
  }
  return resolve_by_walk(dirfd, path, follow_last, out);
}

}  // namespace shard::wasi
