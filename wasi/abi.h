// The wasi_snapshot_preview1 ABI: errno values, rights and flag bits, and the byte layout of
// the structures passed through guest memory. Numbers come from the preview1 witx
// (typenames.witx), as mirrored by wasi-libc's <wasi/api.h>.
#pragma once

#include <cstdint>

namespace shard::wasi::abi {

/// typenames.witx: errno (u16).
enum class Errno : uint16_t {
  Success = 0, TooBig = 1, Acces = 2, AddrInUse = 3, AddrNotAvail = 4, AfNoSupport = 5, Again = 6,
  Already = 7, BadF = 8, BadMsg = 9, Busy = 10, Canceled = 11, Child = 12, ConnAborted = 13,
  ConnRefused = 14, ConnReset = 15, DeadLk = 16, DestAddrReq = 17, Dom = 18, DQuot = 19, Exist = 20,
  Fault = 21, FBig = 22, HostUnreach = 23, IdRm = 24, IlSeq = 25, InProgress = 26, Intr = 27,
  Inval = 28, Io = 29, IsConn = 30, IsDir = 31, Loop = 32, MFile = 33, MLink = 34, MsgSize = 35,
  MultiHop = 36, NameTooLong = 37, NetDown = 38, NetReset = 39, NetUnreach = 40, NFile = 41,
  NoBufs = 42, NoDev = 43, NoEnt = 44, NoExec = 45, NoLck = 46, NoLink = 47, NoMem = 48, NoMsg = 49,
  NoProtoOpt = 50, NoSpc = 51, NoSys = 52, NotConn = 53, NotDir = 54, NotEmpty = 55,
  NotRecoverable = 56, NotSock = 57, NotSup = 58, NotTy = 59, NxIo = 60, Overflow = 61,
  OwnerDead = 62, Perm = 63, Pipe = 64, Proto = 65, ProtoNoSupport = 66, ProtoType = 67, Range = 68,
  RoFs = 69, SPipe = 70, Srch = 71, Stale = 72, TimedOut = 73, TxtBsy = 74, XDev = 75,
  NotCapable = 76,
};

/// typenames.witx: rights (u64 flags).
namespace rights {
inline constexpr uint64_t kFdDatasync = 1ull << 0;
inline constexpr uint64_t kFdRead = 1ull << 1;
inline constexpr uint64_t kFdSeek = 1ull << 2;
inline constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kFdSync = 1ull << 4;
inline constexpr uint64_t kFdTell = 1ull << 5;
inline constexpr uint64_t kFdWrite = 1ull << 6;
inline constexpr uint64_t kFdAdvise = 1ull << 7;
inline constexpr uint64_t kFdAllocate = 1ull << 8;
inline constexpr uint64_t kPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kPathCreateFile = 1ull << 10;
inline constexpr uint64_t kPathLinkSource = 1ull << 11;
inline constexpr uint64_t kPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kPathOpen = 1ull << 13;
inline constexpr uint64_t kFdReaddir = 1ull << 14;
inline constexpr uint64_t kPathReadlink = 1ull << 15;
inline constexpr uint64_t kPathRenameSource = 1ull << 16;
inline constexpr uint64_t kPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kPathSymlink = 1ull << 24;
inline constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kSockShutdown = 1ull << 28;
inline constexpr uint64_t kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;

/// What applies to a regular file (or any non-directory stream).
inline constexpr uint64_t kFile = kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell |
                                  kFdWrite | kFdAdvise | kFdAllocate | kFdFilestatGet | kFdFilestatSetSize |
                                  kFdFilestatSetTimes | kPollFdReadwrite;
/// What applies to a directory.
inline constexpr uint64_t kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdAdvise | kPathCreateDirectory | kPathCreateFile | kPathLinkSource |
    kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource | kPathRenameTarget |
    kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes | kFdFilestatGet | kFdFilestatSetTimes |
    kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
/// Everything that modifies the file system; a read-only preopen never grants these, to
/// itself or to anything opened beneath it.
inline constexpr uint64_t kMutating =
    kFdDatasync | kFdWrite | kFdAllocate | kPathCreateDirectory | kPathCreateFile | kPathLinkSource |
    kPathLinkTarget | kPathRenameSource | kPathRenameTarget | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatSetSize | kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
/// The rights that make a host file description writable (and so are refused outright,
/// rather than silently dropped, when a directory cannot pass them on).
inline constexpr uint64_t kWriteAccess = kFdWrite | kFdAllocate | kFdFilestatSetSize;
/// A socket handed in by the embedder or returned by sock_accept.
inline constexpr uint64_t kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                                    kPollFdReadwrite | kSockShutdown | kSockAccept;
}  // namespace rights

enum class Filetype : uint8_t {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4, SocketDgram = 5,
  SocketStream = 6, SymbolicLink = 7,
};

enum class Whence : uint8_t { Set = 0, Cur = 1, End = 2 };

enum class ClockId : uint32_t { Realtime = 0, Monotonic = 1, ProcessCputime = 2, ThreadCputime = 3 };

enum class Advice : uint8_t { Normal = 0, Sequential = 1, Random = 2, WillNeed = 3, DontNeed = 4, NoReuse = 5 };

enum class EventType : uint8_t { Clock = 0, FdRead = 1, FdWrite = 2 };

inline constexpr uint16_t kFdflagAppend = 1 << 0;
inline constexpr uint16_t kFdflagDsync = 1 << 1;
inline constexpr uint16_t kFdflagNonblock = 1 << 2;
inline constexpr uint16_t kFdflagRsync = 1 << 3;
inline constexpr uint16_t kFdflagSync = 1 << 4;
inline constexpr uint16_t kFdflagsAll = 0x1f;

inline constexpr uint16_t kOflagCreat = 1 << 0;
inline constexpr uint16_t kOflagDirectory = 1 << 1;
inline constexpr uint16_t kOflagExcl = 1 << 2;
inline constexpr uint16_t kOflagTrunc = 1 << 3;
inline constexpr uint16_t kOflagsAll = 0xf;

inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

inline constexpr uint16_t kFstflagAtim = 1 << 0;
inline constexpr uint16_t kFstflagAtimNow = 1 << 1;
inline constexpr uint16_t kFstflagMtim = 1 << 2;
inline constexpr uint16_t kFstflagMtimNow = 1 << 3;

inline constexpr uint16_t kSubclockAbstime = 1 << 0;
inline constexpr uint16_t kEventrwHangup = 1 << 0;

inline constexpr uint16_t kRiflagRecvPeek = 1 << 0;
inline constexpr uint16_t kRiflagRecvWaitall = 1 << 1;
inline constexpr uint16_t kRoflagRecvDataTruncated = 1 << 0;
inline constexpr uint8_t kSdflagRd = 1 << 0;
inline constexpr uint8_t kSdflagWr = 1 << 1;

inline constexpr uint8_t kPreopentypeDir = 0;

// Structure layouts (size, then field offsets), from the witx-calculated static asserts.
namespace layout {
inline constexpr uint32_t kIovecSize = 8;        // buf u32 @0, buf_len u32 @4
inline constexpr uint32_t kDirentSize = 24;      // d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20
inline constexpr uint32_t kFdstatSize = 24;      // filetype u8 @0, flags u16 @2, rights_base u64 @8, inheriting u64 @16
inline constexpr uint32_t kFilestatSize = 64;    // dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56
inline constexpr uint32_t kPrestatSize = 8;      // tag u8 @0, pr_name_len u32 @4
inline constexpr uint32_t kSubscriptionSize = 48;  // userdata u64 @0, tag u8 @8, union @16
inline constexpr uint32_t kSubClockId = 16, kSubClockTimeout = 24, kSubClockPrecision = 32, kSubClockFlags = 40;
inline constexpr uint32_t kSubFdFd = 16;
inline constexpr uint32_t kEventSize = 32;       // userdata u64 @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24
}  // namespace layout

}  // namespace shard::wasi::abi
