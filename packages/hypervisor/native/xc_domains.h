// xc_domains: the one libxenctrl call the addon makes (xc_domain_getinfolist), behind a plain C
// interface. xenctrl.h does not compile as C++ (Xen's public headers use GNU C anonymous unions
// and generated FIXME types), so xendeck_xen.cc includes this header instead.
#ifndef XENDECK_XC_DOMAINS_H
#define XENDECK_XC_DOMAINS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

// One domain as XEN_DOMCTL_getdomaininfo reports it (struct xen_domctl_getdomaininfo).
struct xd_dominfo {
  uint32_t domid;
  uint8_t uuid[16];         // the domain handle
  uint64_t tot_pages;       // pages the domain holds now
  uint64_t max_pages;       // its limit; UINT32_MAX when unlimited (as libxenstat reads it)
  uint64_t cpu_time_ns;     // CPU time of all its vCPUs, ns
  uint32_t nr_online_vcpus;
  uint32_t max_vcpu_id;
  int dying, shutdown, crashed, paused, blocked, running;  // XEN_DOMINF_* flags; crashed =
                                                           // shutdown with SHUTDOWN_crash
  // For listDomains (what libxl_dominfo adds; engineer D): pages promised but not yet
  // allocated; the shutdown code (flags >> XEN_DOMINF_shutdownshift) when shut down, else -1;
  // libxl_domain_type: 1 HVM, 2 PV, 3 PVH (XEN_DOMINF_hvm_guest without an emulated LAPIC).
  uint64_t outstanding_pages;
  int shutdown_reason;
  int domain_type;
};

// xc_interface_open(NULL, NULL, 0); NULL with errno set on failure.
void* xd_xc_open(void);
void xd_xc_close(void* xch);

// xc_domain_getinfolist(xch, first, max, ...) copied into `out` (up to `max` entries): the
// number of domains written (fewer than `max`: no more domains), or -1 with errno.
// `max` is capped so one call's hypercall buffer fits in one page (the returned count then
// equals the cap: call again from the last domid + 1).
int xd_getinfolist(void* xch, uint32_t first, unsigned max, struct xd_dominfo* out);

// The largest `max` xd_getinfolist passes to Xen in one call.
unsigned xd_getinfolist_chunk(void);

#ifdef __cplusplus
}
#endif

#endif
