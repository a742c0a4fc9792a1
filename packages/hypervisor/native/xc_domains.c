// xc_domains: libxenctrl's xc_domain_getinfolist for the addon's metrics sample (see
// xc_domains.h for why it is C).
#include "xc_domains.h"

#include <errno.h>
#include <string.h>
#include <xenctrl.h>

// One page of xc_domaininfo_t: xencall keeps single pages in its buffer cache, so a call of this
// size maps nothing new (libxl_list_domain asks for 1024 entries: a 30-page bounce buffer).
#define CHUNK (4096 / sizeof(xc_domaininfo_t))

void* xd_xc_open(void) { return xc_interface_open(NULL, NULL, 0); }

void xd_xc_close(void* xch) {
  if (xch) xc_interface_close((xc_interface*)xch);
}

unsigned xd_getinfolist_chunk(void) { return (unsigned)CHUNK; }

int xd_getinfolist(void* xch, uint32_t first, unsigned max, struct xd_dominfo* out) {
  xc_domaininfo_t info[CHUNK];
  if (max > CHUNK) max = CHUNK;
  int n = xc_domain_getinfolist((xc_interface*)xch, first, max, info);
  if (n < 0) return -1;
  for (int i = 0; i < n; i++) {
    const xc_domaininfo_t* d = &info[i];
    struct xd_dominfo* o = &out[i];
    o->domid = d->domain;
    memcpy(o->uuid, d->handle, sizeof o->uuid);
    o->tot_pages = d->tot_pages;
    o->max_pages = d->max_pages;
    o->cpu_time_ns = d->cpu_time;
    o->nr_online_vcpus = d->nr_online_vcpus;
    o->max_vcpu_id = d->max_vcpu_id;
    o->shutdown = (d->flags & XEN_DOMINF_shutdown) != 0;
    o->crashed = o->shutdown &&
                 ((d->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == SHUTDOWN_crash;
    o->dying = (d->flags & XEN_DOMINF_dying) != 0;
    o->paused = (d->flags & XEN_DOMINF_paused) != 0;
    o->blocked = (d->flags & XEN_DOMINF_blocked) != 0;
    o->running = (d->flags & XEN_DOMINF_running) != 0;
    o->outstanding_pages = d->outstanding_pages;
    o->shutdown_reason =
        o->shutdown ? (int)((d->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) : -1;
    o->domain_type = !(d->flags & XEN_DOMINF_hvm_guest)                         ? 2
                     : (d->arch_config.emulation_flags & XEN_X86_EMU_LAPIC) != 0 ? 1
                                                                                 : 3;
  }
  return n;
}
