// xendeck_xen: the N-API addon over libxenlight (libxl), libxenstore, libxentoollog and
// libxenstat (live metrics, as xentop reads them), and libxenctrl for the cheap metrics sample
// (one xc_domain_getinfolist: see MetricsSample).
//
// The one JS file that loads it is src/native.ts; its surface is typed by src/native-types.ts.
// Rules followed here:
//  - every exported function checks its arguments and throws TypeError with a usage line;
//  - every call that may block (libxl, xenstore) runs in a Napi::AsyncWorker with a named
//    resource and returns a Promise;
//  - a failed libxl call rejects with an Error carrying `libxlError` (libxl's negative error
//    number) and `call` (the C function); src/libxl-errors.ts turns that into HypervisorError;
//  - SIGCHLD: libxl is put in libxl_sigchld_owner_mainloop mode and a libuv signal watcher
//    forwards SIGCHLD to libxl_childproc_sigchld_occurred (libxl forks hotplug scripts);
//  - the xenstore watch on @introduceDomain/@releaseDomain runs on its own thread with its own
//    xenstore connection and reports to JS through an unref'd ThreadSafeFunction, with the time
//    (CLOCK_REALTIME, ms) at which the thread got each event.
#include <napi.h>
#include <uv.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

// The Xen headers are C and carry no extern "C" guards of their own.
extern "C" {
#include <libxl.h>
#include <libxl_utils.h>
#include <xenstore.h>
#include <xentoollog.h>
#include <xenstat.h>
}
#include "xc_domains.h"

namespace {

// ---------------------------------------------------------------------------------------------
// Results carried from a worker thread back to JS.

struct Failure {
  enum Kind { kNone, kLibxl, kErrno, kMessage } kind = kNone;
  int code = 0;  // libxl error number (negative) or errno
  std::string call;
  std::string message;

  static Failure Libxl(int rc, const char* call) {
    Failure f;
    f.kind = kLibxl;
    f.code = rc;
    f.call = call;
    return f;
  }
  static Failure Errno(int err, const char* call) {
    Failure f;
    f.kind = kErrno;
    f.code = err;
    f.call = call;
    return f;
  }
  static Failure Message(const std::string& msg, const char* call) {
    Failure f;
    f.kind = kMessage;
    f.call = call;
    f.message = msg;
    return f;
  }

  Napi::Error ToError(Napi::Env env) const {
    std::string msg;
    switch (kind) {
      case kLibxl:
        msg = call + " failed: " + (libxl_error_to_string(static_cast<libxl_error>(code))
                                        ? libxl_error_to_string(static_cast<libxl_error>(code))
                                        : "unknown libxl error") +
              " (" + std::to_string(code) + ")";
        break;
      case kErrno:
        msg = call + " failed: " + std::strerror(code);
        break;
      default:
        msg = call + " failed: " + message;
    }
    Napi::Error e = Napi::Error::New(env, msg);
    e.Set("call", Napi::String::New(env, call));
    if (kind == kLibxl) e.Set("libxlError", Napi::Number::New(env, code));
    if (kind == kErrno) e.Set("errno", Napi::Number::New(env, code));
    return e;
  }
};

// One blocking call on the libuv thread pool, settling a Promise. `exec` runs on the worker
// thread and returns a Failure (kind kNone on success); `done` builds the resolved value on the
// main thread. `keep` holds the JS object whose native state `exec` uses.
class CallWorker : public Napi::AsyncWorker {
 public:
  using Exec = std::function<Failure()>;
  using Done = std::function<Napi::Value(Napi::Env)>;

  CallWorker(Napi::Env env, const char* resource, Napi::Object keep, Exec exec, Done done,
             std::atomic<int>* inflight)
      : Napi::AsyncWorker(env, resource),
        deferred_(Napi::Promise::Deferred::New(env)),
        keep_(Napi::Persistent(keep)),
        exec_(std::move(exec)),
        done_(std::move(done)),
        inflight_(inflight) {
    if (inflight_) inflight_->fetch_add(1);
  }

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override { failure_ = exec_(); }

  void OnOK() override {
    if (inflight_) inflight_->fetch_sub(1);
    Napi::Env env = Env();
    if (failure_.kind != Failure::kNone) {
      deferred_.Reject(failure_.ToError(env).Value());
      return;
    }
    deferred_.Resolve(done_ ? done_(env) : env.Undefined());
  }

  void OnError(const Napi::Error& e) override {
    if (inflight_) inflight_->fetch_sub(1);
    deferred_.Reject(e.Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference keep_;
  Exec exec_;
  Done done_;
  Failure failure_;
  std::atomic<int>* inflight_;
};

// ---------------------------------------------------------------------------------------------
// Argument checks.

bool CheckDomid(const Napi::CallbackInfo& info, size_t i, const char* usage, uint32_t* out) {
  Napi::Env env = info.Env();
  if (info.Length() <= i || !info[i].IsNumber()) {
    Napi::TypeError::New(env, std::string("usage: ") + usage).ThrowAsJavaScriptException();
    return false;
  }
  double d = info[i].As<Napi::Number>().DoubleValue();
  // DOMID_FIRST_RESERVED is 0x7FF0: ids from there up are not domains.
  if (!(d >= 0 && d < 0x7FF0) || d != static_cast<double>(static_cast<uint32_t>(d))) {
    Napi::TypeError::New(env, std::string("domid must be an integer 0..32751; usage: ") + usage)
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<uint32_t>(d);
  return true;
}

bool CheckArgc(const Napi::CallbackInfo& info, size_t n, const char* usage) {
  if (info.Length() != n) {
    Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

bool CheckString(const Napi::CallbackInfo& info, size_t i, const char* usage, std::string* out) {
  if (info.Length() <= i || !info[i].IsString()) {
    Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
    return false;
  }
  *out = info[i].As<Napi::String>().Utf8Value();
  if (out->empty() || out->size() > 4096 || out->find('\0') != std::string::npos) {
    Napi::TypeError::New(info.Env(),
                         std::string("string argument must be 1..4096 bytes without NUL; usage: ") + usage)
        .ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Conversions.

struct DomInfo {
  uint32_t domid;
  std::string uuid;
  std::string name;  // empty when libxl_domid_to_name found none
  bool running, blocked, paused, shutdown, dying;
  int shutdownReason;
  uint64_t currentMemKiB, outstandingMemKiB, maxMemKiB, cpuTimeNs;
  uint32_t vcpuOnline, vcpuMaxId;
  int domainType;
};

// Domain names by domid: what libxl_domid_to_name reads from xenstore
// (/local/domain/<domid>/name, one xenstore round trip each: about 1.6 ms under TCG), kept while
// the domain lives so listDomains(), domainInfo() and metricsSample() read only what changes.
// An entry is served only when
//  - the Watcher's recursive watch on /local/domain runs (SetWatched): it erases an entry when
//    /local/domain/<domid>/name is written (`xl rename`, libxl_domain_rename) or
//    /local/domain/<domid> is removed (the domain is gone);
//  - the uuid libxl_list_domain reports for the domid is the cached one (a domid reused by a new
//    domain misses even if no event was seen);
// and entries of domids no longer listed are dropped by Prune(). Without the watch every lookup
// reads xenstore (the cache is empty). A read that raced an invalidation is not stored (`gen_`):
// the next lookup reads again. Thread-safe (worker threads and the Watcher thread).
class NameCache {
 public:
  // Turns the cache on (the watch is registered) or off (and empties it).
  void SetWatched(bool on) {
    std::lock_guard<std::mutex> lock(mu_);
    watched_ = on;
    map_.clear();
    gen_++;
  }

  // Drops `domid`'s entry; true when there was one.
  bool Invalidate(uint32_t domid) {
    std::lock_guard<std::mutex> lock(mu_);
    gen_++;
    return map_.erase(domid) > 0;
  }

  // The name of (domid, uuid): the cached one, else libxl_domid_to_name (stored when found).
  // Empty when the domain has no name (yet).
  std::string Get(libxl_ctx* ctx, uint32_t domid, const libxl_uuid& uuid) {
    uint64_t gen;
    bool watched;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = map_.find(domid);
      if (it != map_.end() && std::memcmp(&it->second.uuid, &uuid, sizeof uuid) == 0)
        return it->second.name;
      gen = gen_;
      watched = watched_;
    }
    std::string name;
    char* n = libxl_domid_to_name(ctx, domid);
    if (n) {
      name = n;
      std::free(n);
    }
    if (watched && !name.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      if (watched_ && gen_ == gen) {
        Entry& e = map_[domid];
        std::memcpy(&e.uuid, &uuid, sizeof uuid);
        e.name = name;
      }
    }
    return name;
  }

  // Drops the entries of domids not in `live` (every domain now listed; sorted here).
  void Prune(std::vector<uint32_t> live) {
    std::sort(live.begin(), live.end());
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = map_.begin(); it != map_.end();)
      it = std::binary_search(live.begin(), live.end(), it->first) ? std::next(it) : map_.erase(it);
  }

 private:
  struct Entry {
    libxl_uuid uuid;
    std::string name;
  };
  std::mutex mu_;
  bool watched_ = false;
  uint64_t gen_ = 0;
  std::unordered_map<uint32_t, Entry> map_;
};

// `names`: where the name comes from (NameCache::Get); null: no name.
DomInfo CopyDomInfo(libxl_ctx* ctx, const libxl_dominfo& d, NameCache* names) {
  DomInfo o;
  o.domid = d.domid;
  char uuid[LIBXL_UUID_FMTLEN + 1];
  std::snprintf(uuid, sizeof uuid, LIBXL_UUID_FMT, LIBXL_UUID_BYTES(d.uuid));
  o.uuid = uuid;
  if (names) o.name = names->Get(ctx, d.domid, d.uuid);
  o.running = d.running;
  o.blocked = d.blocked;
  o.paused = d.paused;
  o.shutdown = d.shutdown;
  o.dying = d.dying;
  o.shutdownReason = static_cast<int>(d.shutdown_reason);
  o.currentMemKiB = d.current_memkb;
  o.outstandingMemKiB = d.outstanding_memkb;
  o.maxMemKiB = d.max_memkb;
  o.cpuTimeNs = d.cpu_time;
  o.vcpuOnline = d.vcpu_online;
  o.vcpuMaxId = d.vcpu_max_id;
  o.domainType = static_cast<int>(d.domain_type);
  return o;
}

Napi::Object DomInfoToJs(Napi::Env env, const DomInfo& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("domid", d.domid);
  o.Set("uuid", d.uuid);
  o.Set("name", d.name.empty() ? env.Null() : Napi::String::New(env, d.name));
  o.Set("running", d.running);
  o.Set("blocked", d.blocked);
  o.Set("paused", d.paused);
  o.Set("shutdown", d.shutdown);
  o.Set("dying", d.dying);
  o.Set("shutdownReason", d.shutdownReason);
  // KiB and ns as doubles: exact below 2^53 (8 PiB of memory, 104 days of CPU time).
  o.Set("currentMemKiB", static_cast<double>(d.currentMemKiB));
  o.Set("outstandingMemKiB", static_cast<double>(d.outstandingMemKiB));
  o.Set("maxMemKiB", static_cast<double>(d.maxMemKiB));
  o.Set("cpuTimeNs", static_cast<double>(d.cpuTimeNs));
  o.Set("vcpuOnline", d.vcpuOnline);
  o.Set("vcpuMaxId", d.vcpuMaxId);
  o.Set("domainType", d.domainType);
  return o;
}

// A backend device in /sys/bus/xen-backend/devices (the walk: WalkBackendDevices).
struct BackendDevice {
  unsigned domid, devid;
  unsigned type;       // 0 vif (netback), 1 vbd (blkback), 2 tap
  std::string dir;     // its sysfs directory name, e.g. "vbd-3-51712"
  std::string ifname;  // a vif's dom0 interface (under `<dir>/net/`); empty until netback made it
};

// The list of backend devices, walked again only when it may have changed (metricsSample): the
// Watcher's /local/domain watch invalidates it on every write under /local/domain/0/backend/
// (libxl adding or removing a device, netback/blkback changing state, the hotplug script's
// `hotplug-status`, written once the vif's interface exists) and on @introduceDomain /
// @releaseDomain. Without that watch every Get() walks. The counters themselves (blkback's
// statistics files, /proc/net/dev) are read on every sample; only the listing is kept.
class DeviceCache {
 public:
  void Invalidate() { gen_.fetch_add(1); }
  void SetWatched(bool on) {
    watched_.store(on);
    gen_.fetch_add(1);
  }
  // The devices (a copy); `walked` says whether sysfs was walked for it. Defined after
  // WalkBackendDevices.
  std::vector<BackendDevice> Get(bool* walked);

 private:
  std::mutex mu_;
  std::atomic<uint64_t> gen_{1};
  std::atomic<bool> watched_{false};
  uint64_t walkedGen_ = 0;  // gen_ when the kept list was walked; 0: none kept
  std::vector<BackendDevice> devs_;
};

// ---------------------------------------------------------------------------------------------
// The xenstore watch thread.

class Watcher {
 public:
  // The name cache this watcher keeps current (set once, before Start; it outlives the watcher).
  void SetNameCache(NameCache* names) { names_ = names; }
  // The same for the backend device list (metricsSample).
  void SetDeviceCache(DeviceCache* devices) { devices_ = devices; }

  // Starts a thread with its own xenstore connection watching @introduceDomain and
  // @releaseDomain, and /local/domain (recursively) for the name cache. Returns an empty string
  // on success, else why it failed. Without the /local/domain watch the name cache stays off.
  std::string Start(Napi::Env env, Napi::Function callback) {
    xs_ = xs_open(0);
    if (!xs_) return std::string("xs_open failed: ") + std::strerror(errno);
    if (!xs_watch(xs_, "@introduceDomain", "introduce") ||
        !xs_watch(xs_, "@releaseDomain", "release")) {
      std::string err = std::string("xs_watch failed: ") + std::strerror(errno);
      xs_close(xs_);
      xs_ = nullptr;
      return err;
    }
    namesWatched_ = names_ && devices_ && xs_watch(xs_, "/local/domain", kNamesToken);
    if (namesWatched_) {
      names_->SetWatched(true);
      devices_->SetWatched(true);
    }
    if (pipe(stop_) != 0) {
      std::string err = std::string("pipe failed: ") + std::strerror(errno);
      xs_close(xs_);
      xs_ = nullptr;
      return err;
    }
    tsfn_ = Napi::ThreadSafeFunction::New(env, callback, "xendeck:xenstore-watch", 0, 1);
    tsfn_.Unref(env);  // a watch alone does not keep the process alive
    thread_ = std::thread([this] { Run(); });
    running_ = true;
    return "";
  }

  void Stop() {
    if (!running_) return;
    running_ = false;
    char b = 'x';
    ssize_t w = write(stop_[1], &b, 1);
    (void)w;
    thread_.join();
    if (namesWatched_) {
      names_->SetWatched(false);
      devices_->SetWatched(false);
      xs_unwatch(xs_, "/local/domain", kNamesToken);
      namesWatched_ = false;
    }
    xs_unwatch(xs_, "@introduceDomain", "introduce");
    xs_unwatch(xs_, "@releaseDomain", "release");
    xs_close(xs_);
    xs_ = nullptr;
    close(stop_[0]);
    close(stop_[1]);
    tsfn_.Release();
  }

  bool running() const { return running_; }

 private:
  void Run() {
    for (;;) {
      struct pollfd fds[2] = {{xs_fileno(xs_), POLLIN, 0}, {stop_[0], POLLIN, 0}};
      int n = poll(fds, 2, -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents) return;
      if (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) {
        if (namesWatched_) {
          names_->SetWatched(false);
          devices_->SetWatched(false);
        }
        Deliver("!error");
        return;
      }
      for (;;) {
        char** vec = xs_check_watch(xs_);
        if (!vec) break;  // EAGAIN: drained
        if (std::strcmp(vec[XS_WATCH_TOKEN], kNamesToken) == 0) {
          OnLocalDomainWrite(vec[XS_WATCH_PATH]);
        } else {
          if (namesWatched_) devices_->Invalidate();
          Deliver(vec[0]);
        }
        std::free(vec);
      }
    }
  }

  // An event of the recursive /local/domain watch (every write below it, and once at
  // registration). `/local/domain/<domid>/name` written (a rename; also a domain being created)
  // or `/local/domain/<domid>` removed (a domain gone): the cached name is dropped. A rename of a
  // domain whose name was cached is delivered to JS too (its path), so the domain list is
  // refreshed and the rename reaches the event stream; every other write is ignored here.
  // A write under /local/domain/0/backend/ invalidates the device list.
  void OnLocalDomainWrite(const char* path) {
    static const char kBackend[] = "/local/domain/0/backend/";
    if (std::strncmp(path, kBackend, sizeof kBackend - 1) == 0) {
      devices_->Invalidate();
      return;
    }
    unsigned domid = 0;
    char rest[8] = {0};
    int got = std::sscanf(path, "/local/domain/%u%7s", &domid, rest);
    if (got == 1) {
      names_->Invalidate(domid);
    } else if (got == 2 && std::strcmp(rest, "/name") == 0) {
      if (names_->Invalidate(domid)) Deliver(path);
    }
  }

  // CLOCK_REALTIME in ms since the epoch (with fractions): comparable with Date.now() of any
  // process in dom0, so a client can measure watch → websocket message.
  static double RealtimeMs() {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  }

  struct Fired {
    std::string path;
    double firedAtMs;
  };

  // Calls the JS callback with (path, firedAtMs) on the main thread. firedAtMs defaults to now,
  // read on this thread right after xs_check_watch returned the event (callers deliver at once):
  // the watch's firing time, before the hop to the event loop.
  void Deliver(const char* path, double firedAtMs = RealtimeMs()) {
    auto* copy = new Fired{path, firedAtMs};
    napi_status s = tsfn_.NonBlockingCall(copy, [](Napi::Env env, Napi::Function fn, Fired* p) {
      if (env != nullptr && fn != nullptr)
        fn.Call({Napi::String::New(env, p->path), Napi::Number::New(env, p->firedAtMs)});
      delete p;
    });
    if (s != napi_ok) delete copy;
  }

  static constexpr const char* kNamesToken = "names";
  NameCache* names_ = nullptr;
  DeviceCache* devices_ = nullptr;
  bool namesWatched_ = false;
  struct xs_handle* xs_ = nullptr;
  int stop_[2] = {-1, -1};
  std::thread thread_;
  Napi::ThreadSafeFunction tsfn_;
  bool running_ = false;
};

// ---------------------------------------------------------------------------------------------
// The context object.

struct Handles {
  libxl_ctx* ctx = nullptr;
  xentoollog_logger_stdiostream* logger = nullptr;
  struct xs_handle* xs = nullptr;  // for reads; xs_open(0) handles are thread-safe
  xenstat_handle* xstat = nullptr;  // opened by the first xenstatSnapshot(), under g_xenstat_mutex
  void* xch = nullptr;  // xc_interface, opened by the first metricsSample() under g_sample_mutex
  void* xchList = nullptr;  // xc_interface of listDomains(), opened by the first under g_list_mutex
};

// ---------------------------------------------------------------------------------------------
// libxenstat snapshots.
//
// libxenstat is not thread-safe: a handle keeps a sysfs DIR that every collection rewinds, and the
// vbd reader formats paths into a static buffer. So every xenstat call in this process runs under
// one mutex.
//
// Its network collector (XENSTAT_NETWORK) is not used: in Xen 4.17, parseNetDevLine() copies each
// /proc/net/dev field into a realloc'd buffer without a terminating NUL and then strcpy()s the
// interface name into a 16-byte stack array, so whatever garbage follows in the heap chunk is
// copied too. In xentop (a fresh, single-threaded heap) that garbage is usually zeros; in a
// long-lived multi-threaded process it is not, and the overflow corrupted memory (crashes in
// regexec/malloc/V8 within a few dozen samples in the lab when other addon calls ran alongside).
// ReadVifCounters() below reads the same file with the same attribution rules instead.
//
// Its vbd collector (XENSTAT_VBD) is used only when asked for (qdisk statistics): before reading
// sysfs it asks every qdisk domain's device model over QMP, and each QMP query waits for a 10 ms
// poll() timeout, so a domain with a qdisk disk costs at least 20 ms per sample; it also fetches a
// 1024-entry domain list each time. ReadBackendDevices() reads blkback's sysfs statistics, the
// same files libxenstat reads, without that.
std::mutex g_xenstat_mutex;
// metricsSample() calls run one at a time (its xc handle, its reused domain-info buffer).
std::mutex g_sample_mutex;
// listDomains() calls run one at a time (its own xc handle: a list never waits for a sample).
std::mutex g_list_mutex;

// Every domain, by xc_domain_getinfolist in one-page chunks (xc_domains.c), on the xc handle
// `*xch`, opened here on first use (xc_interface_open) and kept by the caller, who holds the mutex
// that guards it (g_sample_mutex, g_list_mutex). Fails with `errno`.
Failure GetAllDomains(void** xch, std::vector<xd_dominfo>* all) {
  if (!*xch) {
    errno = 0;
    *xch = xd_xc_open();
    if (!*xch) return Failure::Errno(errno ? errno : EIO, "xc_interface_open");
  }
  std::vector<xd_dominfo> chunk(xd_getinfolist_chunk());
  for (uint32_t first = 0;;) {
    int n = xd_getinfolist(*xch, first, static_cast<unsigned>(chunk.size()), chunk.data());
    if (n < 0) return Failure::Errno(errno ? errno : EIO, "xc_domain_getinfolist");
    all->insert(all->end(), chunk.begin(), chunk.begin() + n);
    if (n < static_cast<int>(chunk.size())) return Failure{};
    first = chunk[n - 1].domid + 1u;
  }
}

uint64_t MonotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

struct XsNet {
  unsigned id;
  unsigned long long rbytes, rpackets, rerrs, rdrop, tbytes, tpackets, terrs, tdrop;
};

struct XsVbd {
  unsigned type, dev;
  bool error;
  unsigned long long oo, rd, wr, rdSects, wrSects;
};

struct XsDomain {
  unsigned domid;
  std::string name;
  bool running, blocked, paused, shutdown, crashed, dying;
  unsigned long long cpuNs, curMem, maxMem;
  unsigned numVcpus, onlineVcpus;
  std::vector<XsNet> nets;
  std::vector<XsVbd> vbds;
};

struct XsNode {
  uint64_t monotonicNs = 0, collectNs = 0;
  unsigned numCpus = 0;
  unsigned long long cpuHz = 0, totMem = 0, freeMem = 0;
  std::vector<XsDomain> domains;
};

// Reads a small proc/sysfs file whole into `buf` (NUL-terminated) with open/read/close: no stdio
// buffer and no fstat, which matters when every syscall is dear (the lab runs under TCG). False
// when the file cannot be opened or read.
bool ReadSmallFile(const char* path, std::string* buf) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  buf->clear();
  char chunk[4096];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return false;
    }
    if (n == 0) break;
    buf->append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  return true;
}

// One decimal counter from a sysfs statistics file.
bool ReadSysfsCounter(const std::string& path, unsigned long long* out) {
  std::string text;
  if (!ReadSmallFile(path.c_str(), &text)) return false;
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (end == text.c_str() || errno != 0) return false;
  *out = v;
  return true;
}

// A netback interface: its dom0 name and the domid / vif device id it serves.
struct VifIface {
  std::string name;
  unsigned domid, devid;
};

const char kBackendDevices[] = "/sys/bus/xen-backend/devices/";

// One walk of /sys/bus/xen-backend/devices: `vif-<domid>-<devid>` (netback; its `net/` directory
// holds the dom0 interface it created, whatever `vifname=` called it: the same attribution as
// libxenstat's, which reads `/sys/class/net/<if>/device/nodename` = "backend/vif/<domid>/<devid>"
// for every interface; this opens one directory per vif instead of one file per dom0 interface)
// and `{vbd,tap}-<domid>-<devid>` (blkback).
std::vector<BackendDevice> WalkBackendDevices() {
  std::vector<BackendDevice> devs;
  DIR* dir = opendir(kBackendDevices);
  if (!dir) return devs;
  while (struct dirent* e = readdir(dir)) {
    char kind[4] = {0};
    unsigned domid = 0, devid = 0;
    char extra;
    if (std::sscanf(e->d_name, "%3[a-z]-%u-%u%c", kind, &domid, &devid, &extra) != 3) continue;
    BackendDevice d{domid, devid, 0, e->d_name, ""};
    if (std::strcmp(kind, "vif") == 0) {
      std::string netDir = std::string(kBackendDevices) + e->d_name + "/net";
      if (DIR* nd = opendir(netDir.c_str())) {
        while (struct dirent* ne = readdir(nd)) {
          if (ne->d_name[0] == '.') continue;
          d.ifname = ne->d_name;
          break;
        }
        closedir(nd);
      }
    } else {
      d.type = std::strcmp(kind, "vbd") == 0 ? 1 : std::strcmp(kind, "tap") == 0 ? 2 : 3;
      if (d.type == 3) continue;
    }
    devs.push_back(std::move(d));
  }
  closedir(dir);
  return devs;
}

std::vector<BackendDevice> DeviceCache::Get(bool* walked) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t g = gen_.load();
  *walked = !watched_.load() || g != walkedGen_;
  if (*walked) {
    devs_ = WalkBackendDevices();
    walkedGen_ = watched_.load() ? g : 0;  // a write during the walk changed gen_: walk again
  }
  return devs_;
}

// The devices of the domains in `out`: each vif with an interface goes to `vifs`; with `vbds`,
// each vbd/tap gets blkback's counters statistics/{oo_req,rd_req,wr_req,rd_sect,wr_sect} (the
// files libxenstat reads; type 1 vbd, 2 tap), appended to its domain; a device whose files cannot
// all be read is flagged `error`. Devices of domains not in `out` are skipped.
void ApplyBackendDevices(XsNode* out, const std::vector<BackendDevice>& devs, bool vbds,
                         std::vector<VifIface>* vifs) {
  std::unordered_map<unsigned, XsDomain*> byDomid;
  for (XsDomain& d : out->domains) byDomid[d.domid] = &d;
  for (const BackendDevice& d : devs) {
    auto it = byDomid.find(d.domid);
    if (it == byDomid.end()) continue;
    if (d.type == 0) {
      if (!d.ifname.empty()) vifs->push_back({d.ifname, d.domid, d.devid});
      continue;
    }
    if (!vbds) continue;
    std::string stats = std::string(kBackendDevices) + d.dir + "/statistics/";
    XsVbd b{};
    b.type = d.type;
    b.dev = d.devid;
    b.error = !(ReadSysfsCounter(stats + "oo_req", &b.oo) && ReadSysfsCounter(stats + "rd_req", &b.rd) &&
                ReadSysfsCounter(stats + "wr_req", &b.wr) &&
                ReadSysfsCounter(stats + "rd_sect", &b.rdSects) &&
                ReadSysfsCounter(stats + "wr_sect", &b.wrSects));
    if (b.error) b = XsVbd{d.type, d.devid, true, 0, 0, 0, 0, 0};
    it->second->vbds.push_back(b);
  }
}

// A fresh walk applied to `out` (xenstatSnapshot).
void ReadBackendDevices(XsNode* out, bool vbds, std::vector<VifIface>* vifs) {
  ApplyBackendDevices(out, WalkBackendDevices(), vbds, vifs);
}

// Reads /proc/net/dev (receive: bytes packets errs drop fifo frame compressed multicast; transmit:
// bytes packets errs drop fifo colls carrier compressed) and appends each backend vif's counters
// to its domain, in file order. An interface is a domain's vif when ReadBackendDevices() found it
// under a netback device, else when it is named `vif<domid>.<devid>` (libxenstat's fallback).
// Interfaces of domains not in `out` are skipped.
void ReadVifCounters(XsNode* out, const std::vector<VifIface>& vifs) {
  std::string text;
  if (!ReadSmallFile("/proc/net/dev", &text)) return;
  std::unordered_map<std::string, const VifIface*> byName;
  for (const VifIface& v : vifs) byName.emplace(v.name, &v);
  std::unordered_map<unsigned, XsDomain*> byDomid;
  for (XsDomain& d : out->domains) byDomid[d.domid] = &d;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;  // the two header lines
    size_t first = line.find_first_not_of(' ');
    if (first >= colon) continue;
    std::string name = line.substr(first, colon - first);
    unsigned long long v[16];
    const char* p = line.c_str() + colon + 1;
    int n = 0;
    for (; n < 16; n++) {
      char* end = nullptr;
      errno = 0;
      v[n] = std::strtoull(p, &end, 10);
      if (end == p || errno != 0) break;
      p = end;
    }
    if (n != 16) continue;
    unsigned domid = 0, devid = 0;
    auto vi = byName.find(name);
    bool found = vi != byName.end();
    if (found) {
      domid = vi->second->domid;
      devid = vi->second->devid;
    }
    char extra;
    if (!found && std::sscanf(name.c_str(), "vif%u.%u%c", &domid, &devid, &extra) != 2) continue;
    auto dom = byDomid.find(domid);
    if (dom != byDomid.end())
      dom->second->nets.push_back({devid, v[0], v[1], v[2], v[3], v[8], v[9], v[10], v[11]});
  }
}

// Copies everything out of a xenstat_node into plain structs (worker thread).
void CopyXenstatNode(xenstat_node* node, XsNode* out) {
  out->numCpus = xenstat_node_num_cpus(node);
  out->cpuHz = xenstat_node_cpu_hz(node);
  out->totMem = xenstat_node_tot_mem(node);
  out->freeMem = xenstat_node_free_mem(node);
  unsigned n = xenstat_node_num_domains(node);
  out->domains.reserve(n);
  for (unsigned i = 0; i < n; i++) {
    xenstat_domain* d = xenstat_node_domain_by_index(node, i);
    if (!d) continue;
    XsDomain o;
    o.domid = xenstat_domain_id(d);
    const char* name = xenstat_domain_name(d);
    o.name = name ? name : "";
    o.running = xenstat_domain_running(d);
    o.blocked = xenstat_domain_blocked(d);
    o.paused = xenstat_domain_paused(d);
    o.shutdown = xenstat_domain_shutdown(d);
    o.crashed = xenstat_domain_crashed(d);
    o.dying = xenstat_domain_dying(d);
    o.cpuNs = xenstat_domain_cpu_ns(d);
    o.curMem = xenstat_domain_cur_mem(d);
    o.maxMem = xenstat_domain_max_mem(d);
    o.numVcpus = xenstat_domain_num_vcpus(d);
    o.onlineVcpus = 0;
    for (unsigned v = 0; v < o.numVcpus; v++) {
      xenstat_vcpu* vc = xenstat_domain_vcpu(d, v);
      if (vc && xenstat_vcpu_online(vc)) o.onlineVcpus++;
    }
    unsigned nb = xenstat_domain_num_vbds(d);
    for (unsigned k = 0; k < nb; k++) {
      xenstat_vbd* vbd = xenstat_domain_vbd(d, k);
      if (!vbd) continue;
      XsVbd b{};
      b.type = xenstat_vbd_type(vbd);
      b.dev = xenstat_vbd_dev(vbd);
      b.error = xenstat_vbd_error(vbd);
      // After an error libxenstat leaves the counters unset: report zeros, flagged.
      if (!b.error) {
        b.oo = xenstat_vbd_oo_reqs(vbd);
        b.rd = xenstat_vbd_rd_reqs(vbd);
        b.wr = xenstat_vbd_wr_reqs(vbd);
        b.rdSects = xenstat_vbd_rd_sects(vbd);
        b.wrSects = xenstat_vbd_wr_sects(vbd);
      }
      o.vbds.push_back(b);
    }
    out->domains.push_back(std::move(o));
  }
}

// Builds the JS object for a snapshot (main thread). Counters become doubles: exact below 2^53.
Napi::Object XenstatNodeToJs(Napi::Env env, const XsNode& n) {
  auto num = [&](unsigned long long v) { return Napi::Number::New(env, static_cast<double>(v)); };
  Napi::Object o = Napi::Object::New(env);
  o.Set("monotonicNs", num(n.monotonicNs));
  o.Set("collectNs", num(n.collectNs));
  o.Set("numCpus", n.numCpus);
  o.Set("cpuHz", num(n.cpuHz));
  o.Set("totMemBytes", num(n.totMem));
  o.Set("freeMemBytes", num(n.freeMem));
  Napi::Array doms = Napi::Array::New(env, n.domains.size());
  for (size_t i = 0; i < n.domains.size(); i++) {
    const XsDomain& d = n.domains[i];
    Napi::Object j = Napi::Object::New(env);
    j.Set("domid", d.domid);
    j.Set("name", d.name);
    j.Set("running", d.running);
    j.Set("blocked", d.blocked);
    j.Set("paused", d.paused);
    j.Set("shutdown", d.shutdown);
    j.Set("crashed", d.crashed);
    j.Set("dying", d.dying);
    j.Set("cpuNs", num(d.cpuNs));
    j.Set("numVcpus", d.numVcpus);
    j.Set("onlineVcpus", d.onlineVcpus);
    j.Set("curMemBytes", num(d.curMem));
    // libxenstat reports an unlimited max_pages as (unsigned long long)-1.
    j.Set("maxMemBytes", d.maxMem == ~0ULL ? env.Null() : num(d.maxMem));
    Napi::Array nets = Napi::Array::New(env, d.nets.size());
    for (size_t k = 0; k < d.nets.size(); k++) {
      const XsNet& x = d.nets[k];
      Napi::Object y = Napi::Object::New(env);
      y.Set("id", x.id);
      y.Set("rbytes", num(x.rbytes));
      y.Set("rpackets", num(x.rpackets));
      y.Set("rerrs", num(x.rerrs));
      y.Set("rdrop", num(x.rdrop));
      y.Set("tbytes", num(x.tbytes));
      y.Set("tpackets", num(x.tpackets));
      y.Set("terrs", num(x.terrs));
      y.Set("tdrop", num(x.tdrop));
      nets.Set(k, y);
    }
    j.Set("networks", nets);
    Napi::Array vbds = Napi::Array::New(env, d.vbds.size());
    for (size_t k = 0; k < d.vbds.size(); k++) {
      const XsVbd& x = d.vbds[k];
      Napi::Object y = Napi::Object::New(env);
      y.Set("type", x.type);
      y.Set("dev", x.dev);
      y.Set("error", x.error);
      y.Set("ooReqs", num(x.oo));
      y.Set("rdReqs", num(x.rd));
      y.Set("wrReqs", num(x.wr));
      y.Set("rdSects", num(x.rdSects));
      y.Set("wrSects", num(x.wrSects));
      vbds.Set(k, y);
    }
    j.Set("vbds", vbds);
    doms.Set(i, j);
  }
  o.Set("domains", doms);
  return o;
}

// The sample as a few typed arrays instead of an object per domain (metricsSample): under TCG each
// N-API property set costs microseconds and a 36-domain node took ≈ 16 ms to build that way,
// against ≈ 2 ms to collect. src/metrics/packed-sample.ts unpacks it into the RawXenstatNode
// shape in JS, where object literals are cheap. Layout (all doubles, exact below 2^53):
//   host:  [monotonicNs, collectNs, numCpus, cpuHz, totMemBytes, freeMemBytes]
//   doms:  per domain [domid, flags, cpuNs, curMemBytes, maxMemBytes (-1 = unlimited), numVcpus,
//          onlineVcpus, nets, vbds]; flags: 1 running, 2 blocked, 4 paused, 8 shutdown,
//          16 crashed, 32 dying
//   nets:  per vif, in domain order [id, rbytes, rpackets, rerrs, rdrop, tbytes, tpackets,
//          terrs, tdrop]
//   vbds:  per vbd, in domain order [type, dev, error, ooReqs, rdReqs, wrReqs, rdSects, wrSects]
//   names: the domains' names joined by NUL (xenstore values hold no NUL).
constexpr size_t kPackedDomStride = 9;
constexpr size_t kPackedNetStride = 9;
constexpr size_t kPackedVbdStride = 8;

Napi::Object PackedNodeToJs(Napi::Env env, const XsNode& n) {
  auto d = [](unsigned long long v) { return static_cast<double>(v); };
  size_t nets = 0, vbds = 0;
  std::string names;
  for (const XsDomain& x : n.domains) {
    nets += x.nets.size();
    vbds += x.vbds.size();
    if (&x != &n.domains.front()) names.push_back('\0');
    names += x.name;
  }
  Napi::Float64Array host = Napi::Float64Array::New(env, 6);
  double* h = host.Data();
  h[0] = d(n.monotonicNs);
  h[1] = d(n.collectNs);
  h[2] = n.numCpus;
  h[3] = d(n.cpuHz);
  h[4] = d(n.totMem);
  h[5] = d(n.freeMem);
  Napi::Float64Array doms = Napi::Float64Array::New(env, n.domains.size() * kPackedDomStride);
  Napi::Float64Array netArr = Napi::Float64Array::New(env, nets * kPackedNetStride);
  Napi::Float64Array vbdArr = Napi::Float64Array::New(env, vbds * kPackedVbdStride);
  double* o = doms.Data();
  double* t = netArr.Data();
  double* b = vbdArr.Data();
  for (const XsDomain& x : n.domains) {
    *o++ = x.domid;
    *o++ = (x.running ? 1 : 0) | (x.blocked ? 2 : 0) | (x.paused ? 4 : 0) | (x.shutdown ? 8 : 0) |
           (x.crashed ? 16 : 0) | (x.dying ? 32 : 0);
    *o++ = d(x.cpuNs);
    *o++ = d(x.curMem);
    *o++ = x.maxMem == ~0ULL ? -1 : d(x.maxMem);
    *o++ = x.numVcpus;
    *o++ = x.onlineVcpus;
    *o++ = static_cast<double>(x.nets.size());
    *o++ = static_cast<double>(x.vbds.size());
    for (const XsNet& e : x.nets) {
      double v[kPackedNetStride] = {static_cast<double>(e.id), d(e.rbytes), d(e.rpackets),
                                    d(e.rerrs), d(e.rdrop), d(e.tbytes), d(e.tpackets),
                                    d(e.terrs), d(e.tdrop)};
      std::memcpy(t, v, sizeof v);
      t += kPackedNetStride;
    }
    for (const XsVbd& e : x.vbds) {
      double v[kPackedVbdStride] = {static_cast<double>(e.type), static_cast<double>(e.dev),
                                    e.error ? 1.0 : 0.0, d(e.oo), d(e.rd), d(e.wr),
                                    d(e.rdSects), d(e.wrSects)};
      std::memcpy(b, v, sizeof v);
      b += kPackedVbdStride;
    }
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("host", host);
  out.Set("doms", doms);
  out.Set("nets", netArr);
  out.Set("vbds", vbdArr);
  out.Set("names", Napi::String::New(env, names.data(), names.size()));
  return out;
}

class Context : public Napi::ObjectWrap<Context> {
 public:
  static Napi::FunctionReference* constructor;

  static Napi::Function Init(Napi::Env env) {
    return DefineClass(
        env, "LibxlContext",
        {
            InstanceMethod<&Context::Physinfo>("physinfo"),
            InstanceMethod<&Context::VersionInfo>("versionInfo"),
            InstanceMethod<&Context::ListDomains>("listDomains"),
            InstanceMethod<&Context::DomainInfo>("domainInfo"),
            InstanceMethod<&Context::DomidToName>("domidToName"),
            InstanceMethod<&Context::NameToDomid>("nameToDomid"),
            InstanceMethod<&Context::DomainOp>("domainOp"),
            InstanceMethod<&Context::SetMemoryTarget>("setMemoryTarget"),
            InstanceMethod<&Context::XsRead>("xsRead"),
            InstanceMethod<&Context::StartWatch>("startWatch"),
            InstanceMethod<&Context::StopWatch>("stopWatch"),
            InstanceMethod<&Context::XenstatSnapshot>("xenstatSnapshot"),
            InstanceMethod<&Context::MetricsSample>("metricsSample"),
            InstanceMethod<&Context::DiskList>("diskList"),
            InstanceMethod<&Context::CdromInsert>("cdromInsert"),
            InstanceMethod<&Context::NicList>("nicList"),
            InstanceMethod<&Context::NicRemove>("nicRemove"),
            InstanceMethod<&Context::VcpuList>("vcpuList"),
            InstanceMethod<&Context::SetVcpuOnline>("setVcpuOnline"),
            InstanceMethod<&Context::SetVcpuAffinity>("setVcpuAffinity"),
            InstanceMethod<&Context::SchedParamsGet>("schedParamsGet"),
            InstanceMethod<&Context::SchedCredit2Set>("schedCredit2Set"),
            InstanceMethod<&Context::Close>("close"),
        });
  }

  // Only constructed by openContext() with an External<Handles>.
  explicit Context(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Context>(info) {
    if (info.Length() != 1 || !info[0].IsExternal()) {
      Napi::TypeError::New(info.Env(), "LibxlContext is created by openContext(), not new")
          .ThrowAsJavaScriptException();
      return;
    }
    Handles* h = info[0].As<Napi::External<Handles>>().Data();
    h_ = *h;
    delete h;
    watcher_.SetNameCache(&names_);
    watcher_.SetDeviceCache(&devices_);
    // Forward SIGCHLD to libxl (it was put in libxl_sigchld_owner_mainloop mode at alloc).
    uv_loop_t* loop = nullptr;
    napi_get_uv_event_loop(info.Env(), &loop);
    sigchld_ = new uv_signal_t;
    uv_signal_init(loop, sigchld_);
    sigchld_->data = this;
    uv_signal_start(
        sigchld_,
        [](uv_signal_t* s, int) {
          auto* self = static_cast<Context*>(s->data);
          if (self && self->h_.ctx) libxl_childproc_sigchld_occurred(self->h_.ctx);
        },
        SIGCHLD);
    uv_unref(reinterpret_cast<uv_handle_t*>(sigchld_));
  }

  ~Context() override {
    // close() is the orderly path; this only covers a context garbage-collected unclosed.
    watcher_.Stop();
    StopSigchld();
    if (inflight_.load() == 0) FreeHandles(h_);
  }

  static void FreeHandles(Handles& h) {
    if (h.xstat) {
      std::lock_guard<std::mutex> lock(g_xenstat_mutex);
      xenstat_uninit(h.xstat);
    }
    if (h.xch) xd_xc_close(h.xch);
    if (h.xchList) xd_xc_close(h.xchList);
    if (h.xs) xs_close(h.xs);
    if (h.ctx) libxl_ctx_free(h.ctx);
    if (h.logger) xtl_logger_destroy(reinterpret_cast<xentoollog_logger*>(h.logger));
    h = Handles{};
  }

 private:
  void StopSigchld() {
    if (!sigchld_) return;
    uv_signal_stop(sigchld_);
    sigchld_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(sigchld_),
             [](uv_handle_t* hd) { delete reinterpret_cast<uv_signal_t*>(hd); });
    sigchld_ = nullptr;
  }

  bool Open(Napi::Env env) {
    if (!h_.ctx) {
      Napi::Error e = Napi::Error::New(env, "the libxl context is closed");
      e.Set("call", Napi::String::New(env, "closed"));
      e.ThrowAsJavaScriptException();
      return false;
    }
    return true;
  }

  Napi::Value Run(const Napi::CallbackInfo& info, const char* resource, CallWorker::Exec exec,
                  CallWorker::Done done) {
    auto* w = new CallWorker(info.Env(), resource, info.This().As<Napi::Object>(), std::move(exec),
                             std::move(done), &inflight_);
    Napi::Promise p = w->Promise();
    w->Queue();
    return p;
  }

  // physinfo(): Promise<RawPhysinfo>
  Napi::Value Physinfo(const Napi::CallbackInfo& info) {
    if (!CheckArgc(info, 0, "ctx.physinfo()") || !Open(info.Env())) return info.Env().Undefined();
    auto out = std::make_shared<libxl_physinfo>();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_get_physinfo",
        [ctx, out]() {
          libxl_physinfo_init(out.get());
          int rc = libxl_get_physinfo(ctx, out.get());
          return rc < 0 ? Failure::Libxl(rc, "libxl_get_physinfo") : Failure{};
        },
        [out](Napi::Env env) {
          const libxl_physinfo& p = *out;
          Napi::Object o = Napi::Object::New(env);
          o.Set("nrCpus", p.nr_cpus);
          o.Set("cpuKhz", p.cpu_khz);
          o.Set("totalPages", static_cast<double>(p.total_pages));
          o.Set("freePages", static_cast<double>(p.free_pages));
          o.Set("scrubPages", static_cast<double>(p.scrub_pages));
          o.Set("outstandingPages", static_cast<double>(p.outstanding_pages));
          o.Set("capHvm", p.cap_hvm);
          o.Set("capPv", p.cap_pv);
          o.Set("capHvmDirectio", p.cap_hvm_directio);
          o.Set("capHap", p.cap_hap);
          o.Set("capShadow", p.cap_shadow);
          o.Set("capIommuHapPtShare", p.cap_iommu_hap_pt_share);
          o.Set("capVmtrace", p.cap_vmtrace);
          o.Set("capVpmu", p.cap_vpmu);
          o.Set("capGnttabV1", p.cap_gnttab_v1);
          o.Set("capGnttabV2", p.cap_gnttab_v2);
          libxl_physinfo_dispose(out.get());
          return o;
        });
  }

  // versionInfo(): Promise<RawVersionInfo>
  Napi::Value VersionInfo(const Napi::CallbackInfo& info) {
    if (!CheckArgc(info, 0, "ctx.versionInfo()") || !Open(info.Env())) return info.Env().Undefined();
    struct V {
      int major = 0, minor = 0, pagesize = 0;
      std::string extra, capabilities, commandline;
    };
    auto out = std::make_shared<V>();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_get_version_info",
        [ctx, out]() {
          const libxl_version_info* v = libxl_get_version_info(ctx);
          if (!v) return Failure::Message("no version information", "libxl_get_version_info");
          out->major = v->xen_version_major;
          out->minor = v->xen_version_minor;
          out->pagesize = v->pagesize;
          out->extra = v->xen_version_extra ? v->xen_version_extra : "";
          out->capabilities = v->capabilities ? v->capabilities : "";
          out->commandline = v->commandline ? v->commandline : "";
          return Failure{};
        },
        [out](Napi::Env env) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("major", out->major);
          o.Set("minor", out->minor);
          o.Set("extra", out->extra);
          o.Set("pagesize", out->pagesize);
          o.Set("capabilities", out->capabilities);
          o.Set("commandline", out->commandline);
          return o;
        });
  }

  // listDomains(): Promise<RawDominfo[]>: libxl_dominfo's fields as libxl_list_domain computes
  // them (libxl__xcinfo2xlinfo: flags, pages × 4 KiB, shutdown code, vCPUs, CPU time), read with
  // xc_domain_getinfolist in one-page chunks (xc_domains.c) instead of libxl_list_domain, which
  // maps a 1024-entry (30-page) bounce buffer and asks Xen for each domain's FLASK label: about
  // 60 ms with 100 domains under TCG, 240 ms when dom0 is busy, on the path of every domain event
  // (engineer D, issue 12 §4). domain_type: PVH is an HVM container without an emulated LAPIC.
  // Names: NameCache, else libxl_domid_to_name.
  Napi::Value ListDomains(const Napi::CallbackInfo& info) {
    if (!CheckArgc(info, 0, "ctx.listDomains()") || !Open(info.Env())) return info.Env().Undefined();
    auto out = std::make_shared<std::vector<DomInfo>>();
    Handles* h = &h_;
    NameCache* names = &names_;
    return Run(
        info, "xendeck:xc_domain_getinfolist",
        [h, names, out]() {
          std::lock_guard<std::mutex> lock(g_list_mutex);
          std::vector<xd_dominfo> all;
          Failure f = GetAllDomains(&h->xchList, &all);
          if (f.kind != Failure::kNone) return f;
          std::vector<uint32_t> live;
          for (const xd_dominfo& d : all) {
            DomInfo o;
            o.domid = d.domid;
            libxl_uuid uuid;
            std::memcpy(&uuid, d.uuid, sizeof uuid);
            char text[LIBXL_UUID_FMTLEN + 1];
            std::snprintf(text, sizeof text, LIBXL_UUID_FMT, LIBXL_UUID_BYTES(uuid));
            o.uuid = text;
            o.name = names->Get(h->ctx, d.domid, uuid);
            o.running = d.running;
            o.blocked = d.blocked;
            o.paused = d.paused;
            o.shutdown = d.shutdown;
            o.dying = d.dying;
            o.shutdownReason = d.shutdown_reason;
            o.currentMemKiB = d.tot_pages * 4;
            o.outstandingMemKiB = d.outstanding_pages * 4;
            o.maxMemKiB = d.max_pages * 4;
            o.cpuTimeNs = d.cpu_time_ns;
            o.vcpuOnline = d.nr_online_vcpus;
            o.vcpuMaxId = d.max_vcpu_id;
            o.domainType = d.domain_type;
            live.push_back(d.domid);
            out->push_back(std::move(o));
          }
          names->Prune(std::move(live));
          return Failure{};
        },
        [out](Napi::Env env) {
          Napi::Array a = Napi::Array::New(env, out->size());
          for (size_t i = 0; i < out->size(); i++) a.Set(i, DomInfoToJs(env, (*out)[i]));
          return a;
        });
  }

  // domainInfo(domid): Promise<RawDominfo>
  Napi::Value DomainInfo(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.domainInfo(domid: number)";
    uint32_t domid;
    if (!CheckArgc(info, 1, usage) || !CheckDomid(info, 0, usage, &domid) || !Open(info.Env()))
      return info.Env().Undefined();
    auto out = std::make_shared<DomInfo>();
    libxl_ctx* ctx = h_.ctx;
    NameCache* names = &names_;
    return Run(
        info, "xendeck:libxl_domain_info",
        [ctx, names, out, domid]() {
          libxl_dominfo d;
          libxl_dominfo_init(&d);
          int rc = libxl_domain_info(ctx, &d, domid);
          if (rc < 0) {
            libxl_dominfo_dispose(&d);
            return Failure::Libxl(rc, "libxl_domain_info");
          }
          *out = CopyDomInfo(ctx, d, names);
          libxl_dominfo_dispose(&d);
          return Failure{};
        },
        [out](Napi::Env env) { return DomInfoToJs(env, *out); });
  }

  // domidToName(domid): Promise<string | null>
  Napi::Value DomidToName(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.domidToName(domid: number)";
    uint32_t domid;
    if (!CheckArgc(info, 1, usage) || !CheckDomid(info, 0, usage, &domid) || !Open(info.Env()))
      return info.Env().Undefined();
    auto out = std::make_shared<std::string>();
    auto found = std::make_shared<bool>(false);
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_domid_to_name",
        [ctx, out, found, domid]() {
          char* n = libxl_domid_to_name(ctx, domid);
          if (n) {
            *out = n;
            *found = true;
            std::free(n);
          }
          return Failure{};
        },
        [out, found](Napi::Env env) -> Napi::Value {
          return *found ? Napi::String::New(env, *out) : env.Null();
        });
  }

  // nameToDomid(name): Promise<number | null>
  Napi::Value NameToDomid(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.nameToDomid(name: string)";
    std::string name;
    if (!CheckArgc(info, 1, usage) || !CheckString(info, 0, usage, &name) || !Open(info.Env()))
      return info.Env().Undefined();
    auto out = std::make_shared<int64_t>(-1);
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_name_to_domid",
        [ctx, out, name]() {
          uint32_t domid = 0;
          int rc = libxl_name_to_domid(ctx, name.c_str(), &domid);
          if (rc == 0) *out = domid;
          // A name that matches nothing is not an error here (ERROR_INVAL from libxl).
          return Failure{};
        },
        [out](Napi::Env env) -> Napi::Value {
          return *out >= 0 ? Napi::Number::New(env, static_cast<double>(*out)) : env.Null();
        });
  }

  // domainOp(domid, op): Promise<void>; op is pause|unpause|shutdown|reboot|destroy
  Napi::Value DomainOp(const Napi::CallbackInfo& info) {
    const char* usage =
        "ctx.domainOp(domid: number, op: 'pause'|'unpause'|'shutdown'|'reboot'|'destroy')";
    uint32_t domid;
    std::string op;
    if (!CheckArgc(info, 2, usage) || !CheckDomid(info, 0, usage, &domid) ||
        !CheckString(info, 1, usage, &op) || !Open(info.Env()))
      return info.Env().Undefined();
    int (*fn)(libxl_ctx*, uint32_t, const libxl_asyncop_how*) = nullptr;
    const char* call = nullptr;
    const char* resource = nullptr;
    if (op == "pause") {
      fn = libxl_domain_pause;
      call = "libxl_domain_pause";
      resource = "xendeck:libxl_domain_pause";
    } else if (op == "unpause") {
      fn = libxl_domain_unpause;
      call = "libxl_domain_unpause";
      resource = "xendeck:libxl_domain_unpause";
    } else if (op == "shutdown") {
      fn = libxl_domain_shutdown;
      call = "libxl_domain_shutdown";
      resource = "xendeck:libxl_domain_shutdown";
    } else if (op == "reboot") {
      fn = libxl_domain_reboot;
      call = "libxl_domain_reboot";
      resource = "xendeck:libxl_domain_reboot";
    } else if (op == "destroy") {
      fn = libxl_domain_destroy;
      call = "libxl_domain_destroy";
      resource = "xendeck:libxl_domain_destroy";
    } else {
      Napi::TypeError::New(info.Env(), std::string("unknown op \"") + op + "\"; usage: " + usage)
          .ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, resource,
        [ctx, fn, call, domid]() {
          int rc = fn(ctx, domid, nullptr);  // NULL ao_how: synchronous, on this worker thread
          return rc < 0 ? Failure::Libxl(rc, call) : Failure{};
        },
        nullptr);
  }

  // setMemoryTarget(domid, targetKiB): Promise<void>; absolute, enforce=1
  Napi::Value SetMemoryTarget(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.setMemoryTarget(domid: number, targetKiB: number)";
    uint32_t domid;
    if (!CheckArgc(info, 2, usage) || !CheckDomid(info, 0, usage, &domid)) return info.Env().Undefined();
    if (!info[1].IsNumber()) {
      Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    double t = info[1].As<Napi::Number>().DoubleValue();
    if (!(t > 0 && t < 9007199254740992.0) || t != static_cast<double>(static_cast<int64_t>(t))) {
      Napi::TypeError::New(info.Env(), std::string("targetKiB must be a positive integer; usage: ") + usage)
          .ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    if (!Open(info.Env())) return info.Env().Undefined();
    int64_t target = static_cast<int64_t>(t);
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_set_memory_target",
        [ctx, domid, target]() {
          int rc = libxl_set_memory_target(ctx, domid, target, /*relative*/ 0, /*enforce*/ 1);
          return rc < 0 ? Failure::Libxl(rc, "libxl_set_memory_target") : Failure{};
        },
        nullptr);
  }

  // xsRead(path): Promise<string | null> (null when the node does not exist)
  Napi::Value XsRead(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.xsRead(path: string)";
    std::string path;
    if (!CheckArgc(info, 1, usage) || !CheckString(info, 0, usage, &path) || !Open(info.Env()))
      return info.Env().Undefined();
    if (path[0] != '/') {
      Napi::TypeError::New(info.Env(), std::string("path must be absolute; usage: ") + usage)
          .ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    struct R {
      bool found = false;
      std::string value;
    };
    auto out = std::make_shared<R>();
    struct xs_handle* xs = h_.xs;
    return Run(
        info, "xendeck:xs_read",
        [xs, out, path]() {
          unsigned int len = 0;
          void* v = xs_read(xs, XBT_NULL, path.c_str(), &len);
          if (!v) return errno == ENOENT ? Failure{} : Failure::Errno(errno, "xs_read");
          out->found = true;
          out->value.assign(static_cast<char*>(v), len);
          std::free(v);
          return Failure{};
        },
        [out](Napi::Env env) -> Napi::Value {
          return out->found ? Napi::String::New(env, out->value) : env.Null();
        });
  }

  // startWatch(callback: (path: string, firedAtMs: number) => void): void. firedAtMs: when the
  // watch thread got the event from xs_check_watch, CLOCK_REALTIME ms since the epoch.
  Napi::Value StartWatch(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.startWatch(callback: (path: string, firedAtMs: number) => void)";
    if (!CheckArgc(info, 1, usage) || !info[0].IsFunction()) {
      Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    if (!Open(info.Env())) return info.Env().Undefined();
    if (watcher_.running()) {
      Napi::Error::New(info.Env(), "the xenstore watch is already running").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    std::string err = watcher_.Start(info.Env(), info[0].As<Napi::Function>());
    if (!err.empty()) {
      Napi::Error e = Napi::Error::New(info.Env(), err);
      e.Set("call", Napi::String::New(info.Env(), "xs_watch"));
      e.ThrowAsJavaScriptException();
    }
    return info.Env().Undefined();
  }

  // stopWatch(): void (joins the watch thread; it only blocks in poll, woken by a pipe)
  Napi::Value StopWatch(const Napi::CallbackInfo& info) {
    if (!CheckArgc(info, 0, "ctx.stopWatch()")) return info.Env().Undefined();
    watcher_.Stop();
    return info.Env().Undefined();
  }

  // xenstatSnapshot(xenstatVbd: boolean): Promise<RawXenstatNode>. On a worker thread:
  // xenstat_get_node(handle, XENSTAT_VCPU [| XENSTAT_VBD when xenstatVbd]), then
  // ReadBackendDevices() (blkback counters unless xenstatVbd; netback interface names) and
  // ReadVifCounters(). The handle is opened here on
  // first use (xenstat_init) and freed by close().
  Napi::Value XenstatSnapshot(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.xenstatSnapshot(xenstatVbd: boolean)";
    if (!CheckArgc(info, 1, usage)) return info.Env().Undefined();
    if (!info[0].IsBoolean()) {
      Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    if (!Open(info.Env())) return info.Env().Undefined();
    bool xenstatVbd = info[0].As<Napi::Boolean>().Value();
    auto out = std::make_shared<XsNode>();
    // close() is refused while this is in flight, so h_ outlives the worker.
    Handles* h = &h_;
    return Run(
        info, "xendeck:xenstat_get_node",
        [h, out, xenstatVbd]() {
          std::lock_guard<std::mutex> lock(g_xenstat_mutex);
          if (!h->xstat) {
            errno = 0;
            h->xstat = xenstat_init();
            if (!h->xstat) return Failure::Errno(errno ? errno : EIO, "xenstat_init");
          }
          uint64_t t0 = MonotonicNs();
          errno = 0;
          unsigned flags = XENSTAT_VCPU | (xenstatVbd ? XENSTAT_VBD : 0);
          xenstat_node* node = xenstat_get_node(h->xstat, flags);
          if (!node) return Failure::Errno(errno ? errno : EIO, "xenstat_get_node");
          CopyXenstatNode(node, out.get());
          xenstat_free_node(node);
          std::vector<VifIface> vifs;
          ReadBackendDevices(out.get(), !xenstatVbd, &vifs);
          ReadVifCounters(out.get(), vifs);
          uint64_t t1 = MonotonicNs();
          out->monotonicNs = t0;
          out->collectNs = t1 - t0;
          return Failure{};
        },
        [out](Napi::Env env) -> Napi::Value { return XenstatNodeToJs(env, *out); });
  }

  // metricsSample(): Promise<RawPackedSample>: the same fields and units as xenstatSnapshot(false),
  // without libxenstat, packed (PackedNodeToJs). On a worker thread, one call at a time:
  //  - host: libxl_get_physinfo (nr_cpus; cpu_khz * 1000 Hz; total_pages and free_pages times
  //    libxl_get_version_info's pagesize, bytes);
  //  - domains: xc_domain_getinfolist (XEN_DOMCTL_getdomaininfo for every domain) in chunks
  //    that fit one hypercall buffer page: cpu_time (ns), tot_pages / max_pages (times pagesize,
  //    bytes; max_pages UINT_MAX = no limit, as libxenstat reads it), nr_online_vcpus,
  //    max_vcpu_id + 1, the XEN_DOMINF_* flags (shutdown with reason SHUTDOWN_crash → `crashed`,
  //    as libxenstat splits them); names from the NameCache (xenstore only for a domid not
  //    cached). libxl_list_domain would read the same, but asks for 1024 entries every time (a
  //    30-page bounce buffer mapped and copied per call: 5–9 ms under TCG for 2 domains) and
  //    makes a FLASK hypercall per domain for a label nobody here reads;
  //  - vbds and vifs: the backend device list from the DeviceCache (sysfs walked only after a
  //    backend write), then blkback's statistics files and /proc/net/dev (skipped when there is
  //    no netback device), as xenstatSnapshot reads them.
  // Unlike libxenstat: no xenstore read per domain per call, no hypercall per vCPU.
  // Rejects with `call` xc_interface_open / xc_domain_getinfolist (`errno`) or
  // libxl_get_physinfo (`libxlError`).
  Napi::Value MetricsSample(const Napi::CallbackInfo& info) {
    if (!CheckArgc(info, 0, "ctx.metricsSample()") || !Open(info.Env())) return info.Env().Undefined();
    auto out = std::make_shared<XsNode>();
    // close() is refused while this is in flight, so h_ outlives the worker.
    Handles* h = &h_;
    NameCache* names = &names_;
    DeviceCache* devices = &devices_;
    return Run(
        info, "xendeck:metrics_sample",
        [h, names, devices, out]() {
          std::lock_guard<std::mutex> lock(g_sample_mutex);
          uint64_t t0 = MonotonicNs();
          const libxl_version_info* v = libxl_get_version_info(h->ctx);  // cached in the ctx
          unsigned long long pageBytes = v && v->pagesize > 0 ? v->pagesize : 4096;
          libxl_physinfo p;
          libxl_physinfo_init(&p);
          int rc = libxl_get_physinfo(h->ctx, &p);
          if (rc < 0) {
            libxl_physinfo_dispose(&p);
            return Failure::Libxl(rc, "libxl_get_physinfo");
          }
          out->numCpus = p.nr_cpus;
          out->cpuHz = static_cast<unsigned long long>(p.cpu_khz) * 1000ULL;
          out->totMem = p.total_pages * pageBytes;
          out->freeMem = p.free_pages * pageBytes;
          libxl_physinfo_dispose(&p);
          std::vector<xd_dominfo> all;
          Failure f = GetAllDomains(&h->xch, &all);
          if (f.kind != Failure::kNone) return f;
          std::vector<uint32_t> live;
          for (const xd_dominfo& d : all) {
            XsDomain o;
            o.domid = d.domid;
            libxl_uuid uuid;
            static_assert(sizeof uuid == sizeof d.uuid, "libxl_uuid is the domain handle");
            std::memcpy(&uuid, d.uuid, sizeof uuid);
            o.name = names->Get(h->ctx, d.domid, uuid);
            live.push_back(d.domid);
            // No name in xenstore: being built (libxl writes it after the domain exists) or torn
            // down. libxenstat skips such a domain; so does this sample (consumers key on names).
            if (o.name.empty()) continue;
            o.running = d.running;
            o.blocked = d.blocked;
            o.paused = d.paused;
            o.shutdown = d.shutdown && !d.crashed;
            o.crashed = d.crashed;
            o.dying = d.dying;
            o.cpuNs = d.cpu_time_ns;
            o.curMem = d.tot_pages * pageBytes;
            o.maxMem = d.max_pages == UINT_MAX ? ~0ULL : d.max_pages * pageBytes;
            o.numVcpus = d.max_vcpu_id + 1;
            o.onlineVcpus = d.nr_online_vcpus;
            out->domains.push_back(std::move(o));
          }
          names->Prune(std::move(live));
          bool walked = false;
          std::vector<BackendDevice> devs = devices->Get(&walked);
          std::vector<VifIface> vifs;
          ApplyBackendDevices(out.get(), devs, true, &vifs);
          // No netback device: no vif interface to count (netback names them), skip the file.
          bool anyVif = false;
          for (const BackendDevice& d : devs) anyVif = anyVif || d.type == 0;
          if (anyVif) ReadVifCounters(out.get(), vifs);
          out->monotonicNs = t0;
          out->collectNs = MonotonicNs() - t0;
          return Failure{};
        },
        [out](Napi::Env env) -> Napi::Value { return PackedNodeToJs(env, *out); });
  }

  // diskList(domid): Promise<RawDisk[]>
  // libxl_device_disk_list (what `xl block-list` lists: libxl's /libxl/<domid>/device/vbd
  // entries), then for each disk libxl_device_disk_getinfo (devid, backend path) and an xs_read of
  // the backend's `params`. libxl_device_disk_list_free disposes each entry
  // (libxl_device_disk_dispose) and frees the array. The libxl_device_disk_list of Xen 4.17 always
  // leaves `format` UNKNOWN (libxl__disk_from_xenstore does not read it back): the backend params
  // carry it for qdisk ("<fmt>:<path>", "aio" = raw); src/libxl-host.ts decides.
  Napi::Value DiskList(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.diskList(domid: number)";
    uint32_t domid;
    if (!CheckArgc(info, 1, usage) || !CheckDomid(info, 0, usage, &domid) || !Open(info.Env()))
      return info.Env().Undefined();
    struct Disk {
      std::string vdev, pdevPath, backend, format, backendPath, backendParams;
      bool hasPdevPath = false, hasBackendPath = false, hasBackendParams = false;
      bool isCdrom = false, readwrite = false, removable = false;
      int devid = -1;
    };
    auto out = std::make_shared<std::vector<Disk>>();
    libxl_ctx* ctx = h_.ctx;
    struct xs_handle* xs = h_.xs;
    return Run(
        info, "xendeck:libxl_device_disk_list",
        [ctx, xs, out, domid]() {
          int n = 0;
          // NULL with n = 0 both for "no disks" and for a failure inside libxl (it logs the
          // latter): the TS layer has checked the domain exists.
          libxl_device_disk* list = libxl_device_disk_list(ctx, domid, &n);
          for (int i = 0; list && i < n; i++) {
            const libxl_device_disk& d = list[i];
            Disk o;
            o.vdev = d.vdev ? d.vdev : "";
            o.hasPdevPath = d.pdev_path != nullptr;
            o.pdevPath = d.pdev_path ? d.pdev_path : "";
            const char* be = libxl_disk_backend_to_string(d.backend);
            o.backend = be ? be : "unknown";
            const char* fmt = libxl_disk_format_to_string(d.format);
            o.format = fmt ? fmt : "unknown";
            o.isCdrom = d.is_cdrom != 0;
            o.readwrite = d.readwrite != 0;
            o.removable = d.removable != 0;
            libxl_diskinfo di;
            libxl_diskinfo_init(&di);
            if (libxl_device_disk_getinfo(ctx, domid, &d, &di) == 0) {
              o.devid = di.devid;
              if (di.backend) {
                o.hasBackendPath = true;
                o.backendPath = di.backend;
                unsigned int len = 0;
                std::string params = o.backendPath + "/params";
                void* v = xs_read(xs, XBT_NULL, params.c_str(), &len);
                if (v) {
                  o.hasBackendParams = true;
                  o.backendParams.assign(static_cast<char*>(v), len);
                  std::free(v);
                }
              }
            }
            libxl_diskinfo_dispose(&di);
            out->push_back(std::move(o));
          }
          if (list) libxl_device_disk_list_free(list, n);
          return Failure{};
        },
        [out](Napi::Env env) {
          Napi::Array a = Napi::Array::New(env, out->size());
          for (size_t i = 0; i < out->size(); i++) {
            const Disk& d = (*out)[i];
            Napi::Object o = Napi::Object::New(env);
            o.Set("vdev", d.vdev);
            o.Set("pdevPath", d.hasPdevPath ? Napi::Value(Napi::String::New(env, d.pdevPath))
                                             : env.Null());
            o.Set("backend", d.backend);
            o.Set("format", d.format);
            o.Set("isCdrom", d.isCdrom);
            o.Set("readwrite", d.readwrite);
            o.Set("removable", d.removable);
            o.Set("devid", d.devid);
            o.Set("backendPath", d.hasBackendPath
                                     ? Napi::Value(Napi::String::New(env, d.backendPath))
                                     : env.Null());
            o.Set("backendParams", d.hasBackendParams
                                       ? Napi::Value(Napi::String::New(env, d.backendParams))
                                       : env.Null());
            a.Set(i, o);
          }
          return a;
        });
  }

  // cdromInsert(domid, vdev, target | null): Promise<void>
  // libxl_cdrom_insert(ctx, domid, &disk, NULL) with the disk `xl cd-insert` / `xl cd-eject`
  // hand it: what xlu_disk_parse makes of "vdev=<vdev>,access=r,devtype=cdrom,target=<target>"
  // (is_cdrom, removable, read-only; format raw, or empty with pdev_path "" for an eject; backend
  // left unknown: libxl takes the drive's own). Synchronous (NULL ao_how) on the worker thread:
  // libxl ejects over QMP, passes QEMU an fd of the file (add-fd + blockdev-change-medium), then
  // rewrites the backend's xenstore `params` and the stored domain configuration.
  Napi::Value CdromInsert(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.cdromInsert(domid: number, vdev: string, target: string | null)";
    uint32_t domid;
    std::string vdev, target;
    if (!CheckArgc(info, 3, usage) || !CheckDomid(info, 0, usage, &domid) ||
        !CheckString(info, 1, usage, &vdev))
      return info.Env().Undefined();
    bool eject = info[2].IsNull();
    if (!eject && !CheckString(info, 2, usage, &target)) return info.Env().Undefined();
    if (!Open(info.Env())) return info.Env().Undefined();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_cdrom_insert",
        [ctx, domid, vdev, target, eject]() {
          libxl_device_disk disk;
          libxl_device_disk_init(&disk);
          disk.vdev = strdup(vdev.c_str());
          disk.pdev_path = strdup(eject ? "" : target.c_str());
          disk.format = eject ? LIBXL_DISK_FORMAT_EMPTY : LIBXL_DISK_FORMAT_RAW;
          disk.is_cdrom = 1;
          disk.removable = 1;
          disk.readwrite = 0;
          int rc = (disk.vdev && disk.pdev_path) ? libxl_cdrom_insert(ctx, domid, &disk, nullptr)
                                                 : ERROR_NOMEM;
          libxl_device_disk_dispose(&disk);
          return rc < 0 ? Failure::Libxl(rc, "libxl_cdrom_insert") : Failure{};
        },
        nullptr);
  }

  // -------------------------------------------------------------------------------------------
  // Network interfaces (vifs): nicList, nicRemove (issue 10, §5). Attaching is done by spawning
  // `xl network-attach` from src/libxl-host.ts (xl's own vif parser and defaults), so no nic add
  // here.

  // nicList(domid): Promise<RawNic[]>
  // libxl_device_nic_list (libxl's /libxl/<domid>/device/vif entries: devid, backend domid, MAC,
  // ip, bridge, script, type), then per vif libxl_device_nic_getinfo for the backend path and
  // xs_reads of its `rate` ("<bytes per interval>,<interval µs>", written by libxl when `rate=` is
  // set) and `vifname`. libxl_device_nic_list leaves model and ifname unset, so they come from
  // libxl_retrieve_domain_configuration (the stored config, updated by attach/detach), matched by
  // devid; a failure there (dom0 has no stored config) leaves them empty. Freed with
  // libxl_device_nic_list_free / libxl_domain_config_dispose.
  Napi::Value NicList(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.nicList(domid: number)";
    uint32_t domid;
    if (!CheckArgc(info, 1, usage) || !CheckDomid(info, 0, usage, &domid) || !Open(info.Env()))
      return info.Env().Undefined();
    struct Nic {
      int devid = -1;
      uint32_t backendDomid = 0;
      std::string mac, ip, bridge, script, nictype, model, ifname, rate, backendVifname;
      bool hasIp = false, hasBridge = false, hasModel = false, hasIfname = false, hasRate = false,
           hasBackendVifname = false;
    };
    auto out = std::make_shared<std::vector<Nic>>();
    libxl_ctx* ctx = h_.ctx;
    struct xs_handle* xs = h_.xs;
    return Run(
        info, "xendeck:libxl_device_nic_list",
        [ctx, xs, out, domid]() {
          auto xsRead = [xs](const std::string& path, std::string* v) {
            unsigned int len = 0;
            void* p = xs_read(xs, XBT_NULL, path.c_str(), &len);
            if (!p) return false;
            v->assign(static_cast<char*>(p), len);
            std::free(p);
            return true;
          };
          int n = 0;
          // NULL with n = 0 both for "no vifs" and for a failure (libxl logs it): the TS layer
          // has checked the domain exists.
          libxl_device_nic* list = libxl_device_nic_list(ctx, domid, &n);
          for (int i = 0; list && i < n; i++) {
            libxl_device_nic& d = list[i];
            Nic o;
            o.devid = d.devid;
            o.backendDomid = d.backend_domid;
            char mac[18];
            std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", d.mac[0], d.mac[1],
                          d.mac[2], d.mac[3], d.mac[4], d.mac[5]);
            o.mac = mac;
            if (d.ip) o.hasIp = true, o.ip = d.ip;
            if (d.bridge) o.hasBridge = true, o.bridge = d.bridge;
            o.script = d.script ? d.script : "";
            const char* t = libxl_nic_type_to_string(d.nictype);
            o.nictype = t ? t : "unknown";
            libxl_nicinfo ni;
            libxl_nicinfo_init(&ni);
            if (libxl_device_nic_getinfo(ctx, domid, &d, &ni) == 0 && ni.backend) {
              std::string be = ni.backend;
              o.hasRate = xsRead(be + "/rate", &o.rate);
              o.hasBackendVifname = xsRead(be + "/vifname", &o.backendVifname);
            }
            libxl_nicinfo_dispose(&ni);
            out->push_back(std::move(o));
          }
          if (list) libxl_device_nic_list_free(list, n);
          if (!out->empty() && domid != 0) {
            libxl_domain_config cfg;
            libxl_domain_config_init(&cfg);
            if (libxl_retrieve_domain_configuration(ctx, domid, &cfg, nullptr) == 0) {
              for (int i = 0; i < cfg.num_nics; i++) {
                const libxl_device_nic& c = cfg.nics[i];
                for (Nic& o : *out) {
                  if (o.devid != c.devid) continue;
                  if (c.model) o.hasModel = true, o.model = c.model;
                  if (c.ifname) o.hasIfname = true, o.ifname = c.ifname;
                }
              }
            }
            libxl_domain_config_dispose(&cfg);
          }
          return Failure{};
        },
        [out](Napi::Env env) {
          auto strOrNull = [env](bool has, const std::string& s) {
            return has ? Napi::Value(Napi::String::New(env, s)) : env.Null();
          };
          Napi::Array a = Napi::Array::New(env, out->size());
          for (size_t i = 0; i < out->size(); i++) {
            const Nic& d = (*out)[i];
            Napi::Object o = Napi::Object::New(env);
            o.Set("devid", d.devid);
            o.Set("backendDomid", d.backendDomid);
            o.Set("mac", d.mac);
            o.Set("ip", strOrNull(d.hasIp, d.ip));
            o.Set("bridge", strOrNull(d.hasBridge, d.bridge));
            o.Set("script", d.script);
            o.Set("nictype", d.nictype);
            o.Set("model", strOrNull(d.hasModel, d.model));
            o.Set("ifname", strOrNull(d.hasIfname, d.ifname));
            o.Set("backendRate", strOrNull(d.hasRate, d.rate));
            o.Set("backendVifname", strOrNull(d.hasBackendVifname, d.backendVifname));
            a.Set(i, o);
          }
          return a;
        });
  }

  // nicRemove(domid, devid, force): Promise<void>
  // What `xl network-detach DOMAIN DEVID` does: libxl_devid_to_device_nic, then
  // libxl_device_nic_remove(ctx, domid, &nic, NULL); with `force`, libxl_device_nic_destroy
  // instead (no wait for the frontend; used to clear what a failed attach left behind). NULL ao_how makes the asynchronous operation
  // synchronous on this worker thread (as cdromInsert does): libxl asks the frontend to close,
  // waits for the backend (forcing it after its timeout), runs the vif hotplug script `offline`
  // (its child's SIGCHLD reaches libxl through the context's forwarder) and updates the stored
  // domain configuration. Rejects with libxlError: ERROR_FAIL (-3) no vif `devid`.
  Napi::Value NicRemove(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.nicRemove(domid: number, devid: number, force: boolean)";
    uint32_t domid;
    if (!CheckArgc(info, 3, usage) || !CheckDomid(info, 0, usage, &domid))
      return info.Env().Undefined();
    if (!info[1].IsNumber() || !info[2].IsBoolean()) {
      Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    double dv = info[1].As<Napi::Number>().DoubleValue();
    if (!(dv >= 0 && dv <= 65535) || dv != static_cast<double>(static_cast<int>(dv))) {
      Napi::TypeError::New(info.Env(), std::string("devid must be an integer 0..65535; usage: ") +
                                           usage)
          .ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
    int devid = static_cast<int>(dv);
    bool force = info[2].As<Napi::Boolean>().Value();
    if (!Open(info.Env())) return info.Env().Undefined();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_device_nic_remove",
        [ctx, domid, devid, force]() {
          libxl_device_nic nic;
          libxl_device_nic_init(&nic);
          int rc = libxl_devid_to_device_nic(ctx, domid, devid, &nic);
          if (rc < 0) {
            libxl_device_nic_dispose(&nic);
            return Failure::Libxl(rc, "libxl_devid_to_device_nic");
          }
          const char* call = "libxl_device_nic_remove";
          rc = force ? ERROR_FAIL : libxl_device_nic_remove(ctx, domid, &nic, nullptr);
          if (rc < 0 && force) {
            // What `xl network-detach` cannot do: take the device out even when the frontend or
            // the hotplug script does not answer (a failed attach leaves such a vif behind).
            call = "libxl_device_nic_destroy";
            rc = libxl_device_nic_destroy(ctx, domid, &nic, nullptr);
          }
          libxl_device_nic_dispose(&nic);
          return rc < 0 ? Failure::Libxl(rc, call) : Failure{};
        },
        nullptr);
  }

  // -------------------------------------------------------------------------------------------
  // vCPUs and credit2 (issue 10, §2 live changes): vcpuList, setVcpuOnline, setVcpuAffinity,
  // schedParamsGet, schedCredit2Set. Argument ranges (count ≤ maxvcpus, pCPU < nr_cpus, weight,
  // cap) are checked by src/vcpus.ts first; here only types and what a bitmap can hold.

  // Argument `i` as an integer min..max, or a TypeError naming `what` with `usage`.
  static bool CheckIntRange(const Napi::CallbackInfo& info, size_t i, int min, int max,
                            const char* what, const char* usage, int* out) {
    double d = info.Length() > i && info[i].IsNumber() ? info[i].As<Napi::Number>().DoubleValue()
                                                       : static_cast<double>(min) - 1;
    if (!(d >= min && d <= max) || d != static_cast<double>(static_cast<int>(d))) {
      Napi::TypeError::New(info.Env(), std::string(what) + " must be an integer " +
                                           std::to_string(min) + ".." + std::to_string(max) +
                                           "; usage: " + usage)
          .ThrowAsJavaScriptException();
      return false;
    }
    *out = static_cast<int>(d);
    return true;
  }

  // A JS array of pCPU ids (integers 0..4095) as a vector, or a TypeError with `usage`.
  static bool CheckCpuArray(const Napi::CallbackInfo& info, size_t i, const char* usage,
                            std::vector<int>* out) {
    if (info.Length() <= i || !info[i].IsArray()) {
      Napi::TypeError::New(info.Env(), std::string("usage: ") + usage).ThrowAsJavaScriptException();
      return false;
    }
    Napi::Array a = info[i].As<Napi::Array>();
    for (uint32_t k = 0; k < a.Length(); k++) {
      Napi::Value v = a.Get(k);
      double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
      if (!(d >= 0 && d < 4096) || d != static_cast<double>(static_cast<int>(d))) {
        Napi::TypeError::New(info.Env(),
                             std::string("pCPU ids must be integers 0..4095; usage: ") + usage)
            .ThrowAsJavaScriptException();
        return false;
      }
      out->push_back(static_cast<int>(d));
    }
    return true;
  }

  // A pCPU bitmap of libxl_get_max_cpus bits (libxl_cpu_bitmap_alloc with 0, as xl's
  // vcpu-pin) with `cpus` set; ERROR_INVAL when one does not fit. The caller disposes `map`.
  static int CpuBitmap(libxl_ctx* ctx, const std::vector<int>& cpus, libxl_bitmap* map) {
    libxl_bitmap_init(map);
    int rc = libxl_cpu_bitmap_alloc(ctx, map, 0);
    if (rc < 0) return rc;
    for (int c : cpus) {
      if (c >= static_cast<int>(map->size) * 8) return ERROR_INVAL;
      libxl_bitmap_set(map, c);
    }
    return 0;
  }

  // vcpuList(domid): Promise<RawVcpu[]>
  // libxl_list_vcpu (one libxl_vcpuinfo per vCPU id 0..max_vcpu_id: xc_vcpu_getinfo and
  // xc_vcpu_getaffinity), freed with libxl_vcpuinfo_list_free. Affinity bitmaps are as wide as
  // libxl_get_max_cpus rounds up to bytes, and Xen's "all" sets every bit: only bits below the
  // nr_cpus libxl_list_vcpu reports (physinfo max_cpu_id + 1) are returned. NULL from libxl (no
  // such domain, or a failure it logs) rejects with ERROR_FAIL; the TS layer checked the domain.
  Napi::Value VcpuList(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.vcpuList(domid: number)";
    uint32_t domid;
    if (!CheckArgc(info, 1, usage) || !CheckDomid(info, 0, usage, &domid) || !Open(info.Env()))
      return info.Env().Undefined();
    struct Vcpu {
      uint32_t vcpuid = 0, cpu = 0;
      bool online = false, blocked = false, running = false;
      uint64_t timeNs = 0;
      std::vector<int> hard, soft;
    };
    auto out = std::make_shared<std::vector<Vcpu>>();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_list_vcpu",
        [ctx, out, domid]() {
          int n = 0, nrCpus = 0;
          libxl_vcpuinfo* list = libxl_list_vcpu(ctx, domid, &n, &nrCpus);
          if (!list) return Failure::Libxl(ERROR_FAIL, "libxl_list_vcpu");
          auto bits = [nrCpus](const libxl_bitmap& m) {
            std::vector<int> v;
            for (int c = 0; c < nrCpus && c < static_cast<int>(m.size) * 8; c++)
              if (libxl_bitmap_test(&m, c)) v.push_back(c);
            return v;
          };
          for (int i = 0; i < n; i++) {
            const libxl_vcpuinfo& v = list[i];
            Vcpu o;
            o.vcpuid = v.vcpuid;
            o.cpu = v.cpu;
            o.online = v.online;
            o.blocked = v.blocked;
            o.running = v.running;
            o.timeNs = v.vcpu_time;
            o.hard = bits(v.cpumap);
            o.soft = bits(v.cpumap_soft);
            out->push_back(std::move(o));
          }
          libxl_vcpuinfo_list_free(list, n);
          return Failure{};
        },
        [out](Napi::Env env) {
          auto toArray = [env](const std::vector<int>& v) {
            Napi::Array a = Napi::Array::New(env, v.size());
            for (size_t k = 0; k < v.size(); k++) a.Set(k, v[k]);
            return a;
          };
          Napi::Array a = Napi::Array::New(env, out->size());
          for (size_t i = 0; i < out->size(); i++) {
            const Vcpu& v = (*out)[i];
            Napi::Object o = Napi::Object::New(env);
            o.Set("vcpuid", v.vcpuid);
            o.Set("cpu", v.cpu);
            o.Set("online", v.online);
            o.Set("blocked", v.blocked);
            o.Set("running", v.running);
            o.Set("vcpuTimeNs", static_cast<double>(v.timeNs));
            o.Set("hard", toArray(v.hard));
            o.Set("soft", toArray(v.soft));
            a.Set(i, o);
          }
          return a;
        });
  }

  // setVcpuOnline(domid, count): Promise<void>
  // What `xl vcpu-set DOMAIN COUNT` does: a bitmap of `count` bits, all set (vCPUs
  // 0..count-1 online, the others offline), to libxl_set_vcpuonline(ctx, domid, &map, NULL)
  // (synchronous on this worker thread). libxl writes xenstore cpu/<N>/availability for a PV or
  // PVH guest (the guest acts on it) and asks QEMU (device_add/device_del over QMP) for HVM;
  // it fails with ERROR_FAIL when count exceeds max_vcpu_id + 1.
  Napi::Value SetVcpuOnline(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.setVcpuOnline(domid: number, count: number)";
    uint32_t domid;
    if (!CheckArgc(info, 2, usage) || !CheckDomid(info, 0, usage, &domid))
      return info.Env().Undefined();
    int count;
    if (!CheckIntRange(info, 1, 1, 4096, "count", usage, &count) || !Open(info.Env()))
      return info.Env().Undefined();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_set_vcpuonline",
        [ctx, domid, count]() {
          libxl_bitmap map;
          libxl_bitmap_init(&map);
          int rc = libxl_bitmap_alloc(ctx, &map, count);
          if (rc == 0) {
            for (int c = 0; c < count; c++) libxl_bitmap_set(&map, c);
            rc = libxl_set_vcpuonline(ctx, domid, &map, nullptr);
          }
          libxl_bitmap_dispose(&map);
          return rc < 0 ? Failure::Libxl(rc, "libxl_set_vcpuonline") : Failure{};
        },
        nullptr);
  }

  // setVcpuAffinity(domid, vcpu | 'all', maxVcpus, hard, soft | null): Promise<void>
  // What `xl vcpu-pin DOMAIN VCPU HARD [SOFT]` does: pCPU bitmaps, then
  // libxl_set_vcpuaffinity(ctx, domid, vcpu, &hard, soft ? &soft : NULL), or for 'all'
  // libxl_set_vcpuaffinity_all(ctx, domid, maxVcpus, ...) (every vCPU 0..maxVcpus-1). A NULL
  // soft map leaves the soft affinity as it is. Xen refuses (EINVAL → ERROR_FAIL) a hard set
  // with no online pCPU of the domain's cpupool.
  Napi::Value SetVcpuAffinity(const Napi::CallbackInfo& info) {
    const char* usage =
        "ctx.setVcpuAffinity(domid: number, vcpu: number | 'all', maxVcpus: number, hard: "
        "number[], soft: number[] | null)";
    uint32_t domid;
    if (!CheckArgc(info, 5, usage) || !CheckDomid(info, 0, usage, &domid))
      return info.Env().Undefined();
    bool all = info[1].IsString() && info[1].As<Napi::String>().Utf8Value() == "all";
    int vcpuId = 0, maxVcpusArg;
    if ((!all && !CheckIntRange(info, 1, 0, 4095, "vcpu (or 'all')", usage, &vcpuId)) ||
        !CheckIntRange(info, 2, 1, 4096, "maxVcpus", usage, &maxVcpusArg))
      return info.Env().Undefined();
    std::vector<int> hard, soft;
    bool hasSoft = !info[4].IsNull();
    if (!CheckCpuArray(info, 3, usage, &hard) || (hasSoft && !CheckCpuArray(info, 4, usage, &soft)))
      return info.Env().Undefined();
    if (!Open(info.Env())) return info.Env().Undefined();
    uint32_t vcpu = static_cast<uint32_t>(vcpuId);
    unsigned int maxVcpus = static_cast<unsigned int>(maxVcpusArg);
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, all ? "xendeck:libxl_set_vcpuaffinity_all" : "xendeck:libxl_set_vcpuaffinity",
        [ctx, domid, all, vcpu, maxVcpus, hard, soft, hasSoft]() {
          libxl_bitmap hmap, smap;
          libxl_bitmap_init(&smap);
          int rc = CpuBitmap(ctx, hard, &hmap);
          if (rc == 0 && hasSoft) rc = CpuBitmap(ctx, soft, &smap);
          const char* call = all ? "libxl_set_vcpuaffinity_all" : "libxl_set_vcpuaffinity";
          if (rc == 0) {
            rc = all ? libxl_set_vcpuaffinity_all(ctx, domid, maxVcpus, &hmap,
                                                  hasSoft ? &smap : nullptr)
                     : libxl_set_vcpuaffinity(ctx, domid, vcpu, &hmap, hasSoft ? &smap : nullptr);
          } else {
            call = "libxl_cpu_bitmap_alloc";
          }
          libxl_bitmap_dispose(&hmap);
          libxl_bitmap_dispose(&smap);
          return rc < 0 ? Failure::Libxl(rc, call) : Failure{};
        },
        nullptr);
  }

  // schedParamsGet(domid): Promise<RawSchedParams>
  // libxl_domain_sched_params_get: `sched` is the scheduler of the domain's cpupool
  // (libxl_scheduler_to_string: "credit2", "credit", "rtds", "null", "arinc653"), then that
  // scheduler's parameters; the fields it does not have stay -1 (LIBXL_DOMAIN_SCHED_PARAM_*_DEFAULT).
  Napi::Value SchedParamsGet(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.schedParamsGet(domid: number)";
    uint32_t domid;
    if (!CheckArgc(info, 1, usage) || !CheckDomid(info, 0, usage, &domid) || !Open(info.Env()))
      return info.Env().Undefined();
    struct P {
      std::string sched;
      int weight = -1, cap = -1;
    };
    auto out = std::make_shared<P>();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_domain_sched_params_get",
        [ctx, out, domid]() {
          libxl_domain_sched_params p;
          libxl_domain_sched_params_init(&p);
          int rc = libxl_domain_sched_params_get(ctx, domid, &p);
          if (rc == 0) {
            const char* s = libxl_scheduler_to_string(p.sched);
            out->sched = s ? s : "unknown";
            out->weight = p.weight;
            out->cap = p.cap;
          }
          libxl_domain_sched_params_dispose(&p);
          return rc < 0 ? Failure::Libxl(rc, "libxl_domain_sched_params_get") : Failure{};
        },
        [out](Napi::Env env) {
          Napi::Object o = Napi::Object::New(env);
          o.Set("sched", out->sched);
          o.Set("weight", out->weight);
          o.Set("cap", out->cap);
          return o;
        });
  }

  // schedCredit2Set(domid, weight, cap): Promise<void>; -1 keeps a field as it is.
  // libxl_domain_sched_params_set with sched LIBXL_SCHEDULER_CREDIT2 (libxl reads the domain's
  // current parameters, overrides the given ones and calls xc_sched_credit2_domain_set; libxl
  // refuses a weight outside 1..65535 with ERROR_INVAL, Xen a cap above 100 × the domain's vCPUs
  // with EINVAL, and a domain whose cpupool runs another scheduler).
  Napi::Value SchedCredit2Set(const Napi::CallbackInfo& info) {
    const char* usage = "ctx.schedCredit2Set(domid: number, weight: number, cap: number)";
    uint32_t domid;
    if (!CheckArgc(info, 3, usage) || !CheckDomid(info, 0, usage, &domid))
      return info.Env().Undefined();
    int weight, cap;
    if (!CheckIntRange(info, 1, -1, 2147483647, "weight (-1: keep)", usage, &weight) ||
        !CheckIntRange(info, 2, -1, 2147483647, "cap (-1: keep)", usage, &cap) || !Open(info.Env()))
      return info.Env().Undefined();
    libxl_ctx* ctx = h_.ctx;
    return Run(
        info, "xendeck:libxl_domain_sched_params_set",
        [ctx, domid, weight, cap]() {
          libxl_domain_sched_params p;
          libxl_domain_sched_params_init(&p);
          p.sched = LIBXL_SCHEDULER_CREDIT2;
          p.weight = weight < 0 ? LIBXL_DOMAIN_SCHED_PARAM_WEIGHT_DEFAULT : weight;
          p.cap = cap < 0 ? LIBXL_DOMAIN_SCHED_PARAM_CAP_DEFAULT : cap;
          int rc = libxl_domain_sched_params_set(ctx, domid, &p);
          libxl_domain_sched_params_dispose(&p);
          return rc < 0 ? Failure::Libxl(rc, "libxl_domain_sched_params_set") : Failure{};
        },
        nullptr);
  }

  // close(): Promise<void>. Refused while calls are in flight (the TS layer awaits them first).
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    if (!CheckArgc(info, 0, "ctx.close()")) return env.Undefined();
    if (inflight_.load() != 0) {
      Napi::Error::New(env, "ctx.close(): calls are still in flight").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    watcher_.Stop();
    StopSigchld();
    auto h = std::make_shared<Handles>(h_);
    h_ = Handles{};
    return Run(
        info, "xendeck:libxl_ctx_free",
        [h]() {
          FreeHandles(*h);
          return Failure{};
        },
        nullptr);
  }

  Handles h_;
  uv_signal_t* sigchld_ = nullptr;
  NameCache names_;  // declared before watcher_: the watcher uses it until it stops
  DeviceCache devices_;  // the same
  Watcher watcher_;
  std::atomic<int> inflight_{0};
};

Napi::FunctionReference* Context::constructor = nullptr;

// openContext(): Promise<LibxlContext>
// libxl_ctx_alloc with an xtl stdio logger at warning level, libxl_childproc_setmode(mainloop),
// and a xenstore connection for reads.
Napi::Value OpenContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckArgc(info, 0, "openContext()")) return env.Undefined();
  auto h = std::make_shared<Handles>();
  auto* w = new CallWorker(
      env, "xendeck:libxl_ctx_alloc", Napi::Object::New(env),
      [h]() {
        h->logger = xtl_createlogger_stdiostream(stderr, XTL_WARN, 0);
        if (!h->logger) return Failure::Message("cannot create the xentoollog logger", "xtl_createlogger_stdiostream");
        int rc = libxl_ctx_alloc(&h->ctx, LIBXL_VERSION, 0, reinterpret_cast<xentoollog_logger*>(h->logger));
        if (rc < 0 || !h->ctx) {
          Context::FreeHandles(*h);
          return Failure::Libxl(rc < 0 ? rc : ERROR_FAIL, "libxl_ctx_alloc");
        }
        // Node (libuv) owns SIGCHLD: tell libxl the main loop reaps and reports its children.
        static const libxl_childproc_hooks hooks = {libxl_sigchld_owner_mainloop, nullptr, nullptr};
        libxl_childproc_setmode(h->ctx, &hooks, nullptr);
        h->xs = xs_open(0);
        if (!h->xs) {
          int err = errno;
          Context::FreeHandles(*h);
          return Failure::Errno(err, "xs_open");
        }
        return Failure{};
      },
      [h](Napi::Env env) -> Napi::Value {
        auto* copy = new Handles(*h);
        return Context::constructor->New({Napi::External<Handles>::New(env, copy)});
      },
      nullptr);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// linkedLibraries(): string[]: the Xen libraries this addon is linked with (libxenctrl through
// native/xc_domains.c).
Napi::Value LinkedLibraries(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckArgc(info, 0, "linkedLibraries()")) return env.Undefined();
  Napi::Array a = Napi::Array::New(env);
  uint32_t i = 0;
  a.Set(i++, "xenlight");
  a.Set(i++, "xenstore");
  a.Set(i++, "xentoollog");
  // Refer to a xenstat symbol so the linker keeps the dependency (checked with ldd).
  static void* volatile xenstat_symbol = reinterpret_cast<void*>(&xenstat_init);
  if (xenstat_symbol != nullptr) a.Set(i++, "xenstat");
  // And a libxenctrl one (native/xc_domains.c, the metrics sample).
  static void* volatile xenctrl_symbol = reinterpret_cast<void*>(&xd_xc_open);
  if (xenctrl_symbol != nullptr) a.Set(i++, "xenctrl");
  return a;
}

// lockConsole(path: string): number
// The lock `xl console` (xenconsole) takes before it reads a domain's console, so that two readers
// never split the bytes: open(path, O_RDWR|O_CREAT|O_CLOEXEC|O_NOFOLLOW, 0600) then
// flock(LOCK_EX|LOCK_NB). Returns the fd, which holds the lock until unlockConsole(fd). Synchronous:
// both are immediate syscalls (LOCK_NB never waits). O_CLOEXEC keeps the lock out of children (xl
// create's monitor); O_NOFOLLOW refuses a symlink planted in the world-writable /run/lock. Throws
// an Error with `errno` and `call` ("open", "fstat" or "flock"); errno EWOULDBLOCK when another
// process (an `xl console`) holds the lock.
Napi::Value LockConsole(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "lockConsole(path: string): number";
  std::string path;
  if (!CheckArgc(info, 1, usage) || !CheckString(info, 0, usage, &path)) return env.Undefined();
  if (path[0] != '/') {
    Napi::TypeError::New(env, std::string("path must be absolute; usage: ") + usage)
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int fd;
  // 0600 as xenconsole creates it: a file others can open, they can flock (and deny consoles).
  do fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    Failure::Errno(errno, "open").ToError(env).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    Failure::Errno(err, "fstat").ToError(env).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    Failure::Message(path + " is not a regular file", "fstat").ToError(env).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int rc;
  do rc = flock(fd, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    close(fd);
    Failure::Errno(err, "flock").ToError(env).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  return Napi::Number::New(env, fd);
}

// unlockConsole(fd: number): void
// Releases a lock taken by lockConsole: close(fd) (closing the only descriptor drops the flock).
// Throws an Error with `errno` and `call` "close" (EBADF for an fd that is not open).
Napi::Value UnlockConsole(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* usage = "unlockConsole(fd: number): void";
  if (!CheckArgc(info, 1, usage)) return env.Undefined();
  if (!info[0].IsNumber()) {
    Napi::TypeError::New(env, std::string("usage: ") + usage).ThrowAsJavaScriptException();
    return env.Undefined();
  }
  double d = info[0].As<Napi::Number>().DoubleValue();
  if (!(d >= 3 && d <= 0x7fffffff) || d != static_cast<double>(static_cast<int>(d))) {
    Napi::TypeError::New(env, std::string("fd must be an integer >= 3; usage: ") + usage)
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  // No EINTR retry: on Linux the fd is released even when close reports EINTR.
  if (close(static_cast<int>(d)) != 0 && errno != EINTR) {
    Failure::Errno(errno, "close").ToError(env).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  Napi::Function ctor = Context::Init(env);
  Context::constructor = new Napi::FunctionReference(Napi::Persistent(ctor));
  exports.Set("LibxlContext", ctor);
  exports.Set("openContext", Napi::Function::New(env, OpenContext, "openContext"));
  exports.Set("linkedLibraries", Napi::Function::New(env, LinkedLibraries, "linkedLibraries"));
  exports.Set("lockConsole", Napi::Function::New(env, LockConsole, "lockConsole"));
  exports.Set("unlockConsole", Napi::Function::New(env, UnlockConsole, "unlockConsole"));
  return exports;
}

}  // namespace

NODE_API_MODULE(xendeck_xen, Init)
