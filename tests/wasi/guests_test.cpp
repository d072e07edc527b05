// Real guests (tests/guests: C with wasi-libc, Rust with std) run by wasi::run_command, and a
// differential test against Node's WASI: same stdout, same exit code, same files left behind.
// The guests are built on first use by tests/guests/build.sh (which installs the toolchain
// if needed) into <build>/guests; without a toolchain or node these tests warn and pass.
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <optional>

#include "harness.h"
#include "shard/wasi.h"

using namespace shard;
using namespace shard::wasi;
using namespace shard::wasi::test;

namespace {

/// The directory the guests are built into, or nullopt (with a warning) when they cannot be.
std::optional<fs::path> guests_dir() {
  static std::optional<fs::path> dir = [] () -> std::optional<fs::path> {
    fs::path out = fs::read_symlink("/proc/self/exe").parent_path().parent_path() / "guests";
    std::string cmd = "sh '" SHARD_SOURCE_DIR "/tests/guests/build.sh' '" + out.string() + "' >&2";
    if (std::system(cmd.c_str()) != 0) return std::nullopt;
    return out;
  }();
  if (!dir) WARN("guest toolchain unavailable (tests/guests/build.sh failed): guest tests skipped");
  return dir;
}

bool have_node() {
  static bool ok = std::system("node --version >/dev/null 2>&1") == 0;
  if (!ok) WARN("node not found: differential tests skipped");
  return ok;
}

std::vector<uint8_t> read_bytes(const fs::path& p) {
  std::string s = read_file(p);
  return std::vector<uint8_t>(s.begin(), s.end());
}

struct Outcome {
  std::string stdout_text;
  uint32_t exit_code = 0;
};

struct GuestRun {
  std::string guest;  // file name without .wasm
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string stdin_text;
  bool with_data_dir = false;  // preopen a scratch directory as /data
};

Outcome run_shard(const fs::path& wasm, const GuestRun& g, const fs::path& data) {
  WasiConfig cfg;
  cfg.args = {g.guest + ".wasm"};
  cfg.args.insert(cfg.args.end(), g.args.begin(), g.args.end());
  cfg.env = g.env;
  if (g.with_data_dir) cfg.preopens = {{data.string(), "/data", false}};
  Outcome o;
  size_t in_pos = 0;
  cfg.stdin_stream = Stdio::closed();
  cfg.stdin_stream.read = [&](std::span<uint8_t> b) {
    size_t n = std::min(b.size(), g.stdin_text.size() - in_pos);
    std::memcpy(b.data(), g.stdin_text.data() + in_pos, n);
    in_pos += n;
    return n;
  };
  cfg.stdout_stream = Stdio::closed();
  cfg.stdout_stream.write = [&](std::span<const uint8_t> b) { o.stdout_text.append(b.begin(), b.end()); };
  cfg.stderr_stream = Stdio::closed();
  cfg.stderr_stream.write = [](std::span<const uint8_t>) {};
  auto r = run_command(read_bytes(wasm), cfg);
  if (!r) FAIL(r.error().to_string());
  if (r->trapped) FAIL("guest trapped: " + r->trap_message);
  o.exit_code = r->exit_code;
  return o;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

Outcome run_node(const fs::path& wasm, const GuestRun& g, const fs::path& data, const fs::path& scratch) {
  std::string preopens = g.with_data_dir ? "{\"/data\":" + json_string(data.string()) + "}" : "{}";
  std::string env = "{";
  for (size_t i = 0; i < g.env.size(); ++i) {
    env += (i ? "," : "") + json_string(g.env[i].first) + ":" + json_string(g.env[i].second);
  }
  env += "}";
  fs::path in = scratch / "stdin.txt";
  write_file(in, g.stdin_text);
  std::string cmd = "node " SHARD_SOURCE_DIR "/tests/guests/node_run.mjs " + shell_quote(wasm.string()) + " " +
                    shell_quote(preopens) + " " + shell_quote(env);
  for (const auto& a : g.args) cmd += " " + shell_quote(a);
  cmd += " < " + shell_quote(in.string()) + " 2>/dev/null";
  Outcome o;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) o.stdout_text.append(buf, n);
  int status = pclose(p);
  REQUIRE(WIFEXITED(status));
  o.exit_code = static_cast<uint32_t>(WEXITSTATUS(status));
  return o;
}

/// Everything a guest left behind: path -> "file:<content>", "dir", "link:<target>".
std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    std::string rel = fs::relative(it->path(), root).string();
    if (it->is_symlink()) out[rel] = "link:" + fs::read_symlink(it->path()).string();
    else if (it->is_directory()) out[rel] = "dir";
    else out[rel] = "file:" + read_file(it->path());
  }
  return out;
}

}  // namespace

TEST_CASE("command-line specs for --dir and --env", "[wasi]") {
  Preopen a = parse_dir_spec("/tmp/x", false);
  CHECK(a.host_path == "/tmp/x");
  CHECK(a.guest_path == "/tmp/x");
  CHECK(!a.read_only);
  Preopen b = parse_dir_spec("./out::/data", true);
  CHECK(b.host_path == "./out");
  CHECK(b.guest_path == "/data");
  CHECK(b.read_only);
  auto e = parse_env_spec("K=v=w");
  REQUIRE(e.ok());
  CHECK(e->first == "K");
  CHECK(e->second == "v=w");
  CHECK(parse_env_spec("K=")->second.empty());
  CHECK(!parse_env_spec("novalue").ok());
  CHECK(!parse_env_spec("=x").ok());
}

TEST_CASE("guests: run_command reports exit codes, traps and bad modules", "[wasi][guests]") {
  auto run_wat = [](const char* wat) {
    auto bin = wat_to_binary(wat);
    REQUIRE(bin.ok());
    return run_command(std::move(*bin), quiet_config());
  };
  auto exit7 = run_wat(R"((module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1) (func (export "_start") (call $exit (i32.const 7)) unreachable)))");
  REQUIRE(exit7.ok());
  CHECK(exit7->exit_code == 7);
  CHECK(!exit7->trapped);
  auto ret = run_wat(R"((module (memory (export "memory") 1) (func (export "_start"))))");
  REQUIRE(ret.ok());
  CHECK(ret->exit_code == 0);
  auto trap = run_wat(R"((module (memory (export "memory") 1) (func (export "_start") unreachable)))");
  REQUIRE(trap.ok());
  CHECK(trap->trapped);
  CHECK(trap->exit_code == 134);
  CHECK(trap->trap_message.find("unreachable") != std::string::npos);
  auto no_start = run_wat(R"((module (memory (export "memory") 1)))");
  REQUIRE(!no_start.ok());
  CHECK(no_start.error().message.find("_start") != std::string::npos);
  auto unknown = run_wat(R"((module (import "wasi_snapshot_preview1" "path_frob" (func)) (func (export "_start"))))");
  REQUIRE(!unknown.ok());
  CHECK(unknown.error().kind == ErrorKind::Unlinkable);
  CHECK(unknown.error().message.find("path_frob") != std::string::npos);
  auto bad = run_command(std::vector<uint8_t>{0, 'a', 's', 'x'}, quiet_config());
  CHECK(!bad.ok());
  // proc_exit from the start function.
  auto start_exit = run_wat(R"((module (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1) (func $s (call $exit (i32.const 3))) (start $s) (func (export "_start"))))");
  REQUIRE(start_exit.ok());
  CHECK(start_exit->exit_code == 3);
}

TEST_CASE("guests: the same stdout, exit code and files under Shard and Node", "[wasi][guests]") {
  auto dir = guests_dir();
  if (!dir || !have_node()) return;
  const std::vector<GuestRun> runs = {
      {"hello", {"5", "two words", ""}, {{"GREETING", "hi there"}}, "first line\nsecond\n", false},
      {"hello", {}, {}, "", false},
      {"rs_hello", {"3", "x"}, {{"GREETING", "hej"}, {"OTHER", "1"}}, "alpha\nbeta\n", false},
      {"files", {}, {}, "", true},
      {"rs_files", {}, {}, "", true},
      {"clocks_random", {}, {}, "", false},
      {"exit_code", {}, {}, "", false},
  };
  for (const GuestRun& g : runs) {
    INFO("guest " << g.guest);
    fs::path wasm = *dir / (g.guest + ".wasm");
    REQUIRE(fs::exists(wasm));
    TempDir shard_data, node_data, scratch;
    Outcome s = run_shard(wasm, g, shard_data.path());
    Outcome n = run_node(wasm, g, node_data.path(), scratch.path());
    CHECK(s.stdout_text == n.stdout_text);
    CHECK(s.exit_code == n.exit_code);
    CHECK(snapshot(shard_data.path()) == snapshot(node_data.path()));
    CHECK(s.stdout_text.find("FAILED") == std::string::npos);
  }
}

TEST_CASE("guests: expected output of the hello and exit guests under Shard", "[wasi][guests]") {
  auto dir = guests_dir();
  if (!dir) return;
  TempDir none;
  Outcome o = run_shard(*dir / "hello.wasm", {"hello", {"9", "b"}, {{"GREETING", "g"}}, "x\n", false}, none.path());
  CHECK(o.stdout_text == "argc=3\nargv[1]=9\nargv[2]=b\nGREETING=g\nHOME=(unset)\nstdin 1: X\n");
  CHECK(o.exit_code == 9);
  o = run_shard(*dir / "exit_code.wasm", {"exit_code", {}, {}, "", false}, none.path());
  CHECK(o.stdout_text == "leaving with 37\n");
  CHECK(o.exit_code == 37);
  o = run_shard(*dir / "rs_hello.wasm", {"rs_hello", {"4"}, {{"B", "1"}, {"A", "2"}}, "", false}, none.path());
  CHECK(o.stdout_text == "argc=2\nargv[1]=4\nGREETING=(unset)\nvars=A,B\n");
  CHECK(o.exit_code == 4);
}

TEST_CASE("guests: a hostile guest cannot leave its preopen (Shard only)", "[wasi][guests][sandbox]") {
  auto dir = guests_dir();
  if (!dir) return;
  TempDir tmp;
  fs::path data = tmp.path() / "data", ro = tmp.path() / "ro";
  fs::create_directories(data / "sub");
  fs::create_directories(ro);
  write_file(tmp.path() / "secret.txt", "SECRET");
  write_file(data / "ok.txt", "ok");
  write_file(ro / "file.txt", "read only");
  fs::create_symlink("../secret.txt", data / "escape_rel");
  fs::create_symlink(tmp.path() / "secret.txt", data / "escape_abs");
  fs::create_symlink("..", data / "escape_dir");

  WasiConfig cfg;
  cfg.args = {"sandbox.wasm"};
  cfg.preopens = {{data.string(), "/data", false}, {ro.string(), "/ro", true}};
  std::string out;
  cfg.stdout_stream = Stdio::closed();
  cfg.stdout_stream.write = [&](std::span<const uint8_t> b) { out.append(b.begin(), b.end()); };
  cfg.stdin_stream = Stdio::closed();
  auto r = run_command(read_bytes(*dir / "sandbox.wasm"), cfg);
  REQUIRE(r.ok());
  CHECK(r->exit_code == 0);
  CHECK(out ==
        "open /data/../secret.txt: ENOTCAPABLE\n"
        "open /data/sub/../../secret.txt: ENOTCAPABLE\n"
        "open /data/escape_rel: ENOTCAPABLE\n"
        "open /data/escape_abs: ENOTCAPABLE\n"
        "open /data/escape_dir/secret.txt: ENOTCAPABLE\n"
        "open /data/escape_rel: ENOTCAPABLE\n"
        "open /secret.txt: ENOTCAPABLE\n"
        "open /data/ok.txt: OPENED\n"
        "mkdir ../made: ENOTCAPABLE\n"
        "symlink to /: ENOTCAPABLE\n"
        "rename out: ENOTCAPABLE\n"
        "readonly create: ENOTCAPABLE\n"
        // wasi-libc reports a write without the right as EBADF, as POSIX does for an fd
        // not open for writing; the host said ENOTCAPABLE.
        "readonly O_WRONLY write: Bad file descriptor\n"
        "readonly unlink: ENOTCAPABLE\n");
  CHECK(read_file(tmp.path() / "secret.txt") == "SECRET");
  CHECK(read_file(ro / "file.txt") == "read only");
  CHECK(!fs::exists(tmp.path() / "made"));
  CHECK(!fs::exists(tmp.path() / "stolen.txt"));
  CHECK(!fs::exists(ro / "new.txt"));
}
