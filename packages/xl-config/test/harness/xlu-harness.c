/*
 * xlu-harness: the real libxlutil as an oracle for @xendeck/xl-config's
 * differential tests and benchmark. Not part of the product.
 *
 * Input (stdin), repeated: "<length>\n<length bytes>". Output: one JSON line per case.
 * Strings in the output are hex-encoded bytes, so any byte survives.
 *
 *   xlu-harness cfg    config files: {"rc":E,"report":"hex","settings":{"key":{"v":V,"long":[rc,n]}}}  (long: xlu_cfg_get_long)
 *                      V is "hex" for a string, [V,...] for a list. Keys to query are every
 *                      [a-z][._0-9a-z]* run in the input not preceded by such a character
 *                      (a superset of the file's keys; unknown ones are skipped).
 *   xlu-harness disk   disk specs through xlu_disk_parse: {"rc":E,"disk":{...libxl_device_disk fields...}}
 *   xlu-harness rate   vif rate strings through xlu_vif_parse_rate: {"rc":E,"bytes":N,"usecs":N}
 *   xlu-harness bench N  parses every case N times; prints {"ns":T,"bytes":B,"files":F}
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxlutil.h>

static char *read_case(int *len_r) {
    int len;
    if (scanf("%d", &len) != 1) return NULL;
    if (getchar() != '\n') { fprintf(stderr, "bad framing\n"); exit(2); }
    char *buf = malloc(len + 1);
    if (!buf) exit(3);
    if (len && fread(buf, 1, len, stdin) != (size_t)len) { fprintf(stderr, "short read\n"); exit(2); }
    buf[len] = 0;
    *len_r = len;
    return buf;
}

static void hex(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) printf("%02x", (unsigned char)s[i]);
    putchar('"');
}
static void hexs(const char *s) { if (s) hex(s, strlen(s)); else fputs("null", stdout); }

static void print_value(const XLU_Config *cfg, XLU_ConfigValue *v) {
    if (xlu_cfg_value_type(v) == XLU_STRING) {
        char *s; xlu_cfg_value_get_string(cfg, v, &s, 1); hexs(s);
    } else {
        XLU_ConfigList *l; xlu_cfg_value_get_list(cfg, v, &l, 1);
        putchar('[');
        XLU_ConfigValue *it;
        for (int i = 0; (it = xlu_cfg_get_listitem2(l, i)); i++) {
            if (i) putchar(',');
            print_value(cfg, it);
        }
        putchar(']');
    }
}

static int is_key_char(int c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_'; }

static void do_cfg(const char *data, int len) {
    char *report = NULL; size_t report_len = 0;
    FILE *rep = open_memstream(&report, &report_len);
    XLU_Config *cfg = xlu_cfg_init(rep, "cfg");
    int rc = xlu_cfg_readdata(cfg, data, len);
    printf("{\"rc\":%d,\"settings\":{", rc);
    if (!rc) {
        int first = 1;
        /* candidate keys, de-duplicated by a simple linear scan of what we printed */
        char **seen = NULL; int nseen = 0;
        for (int i = 0; i < len; i++) {
            if (!(data[i] >= 'a' && data[i] <= 'z')) continue;
            if (i > 0 && is_key_char((unsigned char)data[i-1])) continue;
            int j = i; while (j < len && is_key_char((unsigned char)data[j])) j++;
            char *key = strndup(data + i, j - i);
            int dup = 0;
            for (int k = 0; k < nseen; k++) if (!strcmp(seen[k], key)) { dup = 1; break; }
            if (dup) { free(key); continue; }
            seen = realloc(seen, sizeof(*seen) * (nseen + 1)); seen[nseen++] = key;
            const char *s; XLU_ConfigList *l; int n;
            int e = xlu_cfg_get_string(cfg, key, &s, 1);
            if (e == ESRCH) continue;
            printf("%s\"%s\":{\"v\":", first ? "" : ",", key); first = 0;
            if (!e) {
                hexs(s);
                long lv = 0; int le = xlu_cfg_get_long(cfg, key, &lv, 1);
                printf(",\"long\":[%d,\"%ld\"]", le, le ? 0L : lv);
            } else {
                xlu_cfg_get_list(cfg, key, &l, &n, 1);
                putchar('[');
                XLU_ConfigValue *it;
                for (int k = 0; (it = xlu_cfg_get_listitem2(l, k)); k++) {
                    if (k) putchar(',');
                    print_value(cfg, it);
                }
                putchar(']');
            }
            putchar('}');
        }
        for (int k = 0; k < nseen; k++) free(seen[k]);
        free(seen);
    }
    xlu_cfg_destroy(cfg);
    fclose(rep);
    printf("},\"report\":"); hex(report, report_len); printf("}\n");
    free(report);
}

static void do_disk(const char *spec) {
    char *report = NULL; size_t report_len = 0;
    FILE *rep = open_memstream(&report, &report_len);
    XLU_Config *cfg = xlu_cfg_init(rep, "disk");
    libxl_device_disk d; libxl_device_disk_init(&d);
    const char *specs[1] = { spec };
    int rc = xlu_disk_parse(cfg, 1, specs, &d);
    printf("{\"rc\":%d", rc);
    if (!rc) {
        printf(",\"disk\":{\"target\":"); hexs(d.pdev_path);
        printf(",\"vdev\":"); hexs(d.vdev);
        printf(",\"backend\":"); hexs(d.backend_domname);
        printf(",\"script\":"); hexs(d.script);
        printf(",\"backendtype\":\"%s\"", libxl_disk_backend_to_string(d.backend));
        printf(",\"format\":\"%s\"", libxl_disk_format_to_string(d.format));
        printf(",\"specification\":\"%s\"", libxl_disk_specification_to_string(d.specification));
        printf(",\"readwrite\":%d,\"is_cdrom\":%d,\"removable\":%d,\"direct_io_safe\":%d",
               d.readwrite, d.is_cdrom, d.removable, d.direct_io_safe);
        printf(",\"discard\":\"%s\",\"colo\":\"%s\",\"trusted\":\"%s\"",
               libxl_defbool_to_string(d.discard_enable), libxl_defbool_to_string(d.colo_enable),
               libxl_defbool_to_string(d.trusted));
        printf(",\"colo_host\":"); hexs(d.colo_host);
        printf(",\"colo_port\":%d", d.colo_port);
        printf(",\"colo_export\":"); hexs(d.colo_export);
        printf(",\"active_disk\":"); hexs(d.active_disk);
        printf(",\"hidden_disk\":"); hexs(d.hidden_disk);
        putchar('}');
    }
    libxl_device_disk_dispose(&d);
    xlu_cfg_destroy(cfg);
    fclose(rep);
    printf(",\"report\":"); hex(report, report_len); printf("}\n");
    free(report);
}

static void do_rate(const char *rate) {
    FILE *rep = fopen("/dev/null", "w");
    XLU_Config *cfg = xlu_cfg_init(rep, "rate");
    libxl_device_nic nic; libxl_device_nic_init(&nic);
    errno = 0;
    int rc = xlu_vif_parse_rate(cfg, rate, &nic);
    printf("{\"rc\":%d,\"bytes\":%llu,\"usecs\":%u}\n", rc,
           (unsigned long long)nic.rate_bytes_per_interval, nic.rate_interval_usecs);
    libxl_device_nic_dispose(&nic);
    xlu_cfg_destroy(cfg);
    fclose(rep);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s cfg|disk|rate|bench N < cases\n", argv[0]); return 2; }
    const char *mode = argv[1];
    if (!strcmp(mode, "bench")) {
        int iters = argc > 2 ? atoi(argv[2]) : 100;
        char *cases[4096]; int lens[4096]; int n = 0, len; char *c;
        long long bytes = 0;
        while (n < 4096 && (c = read_case(&len))) { cases[n] = c; lens[n++] = len; bytes += len; }
        FILE *devnull = fopen("/dev/null", "w");
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int failures = 0;
        for (int it = 0; it < iters; it++)
            for (int i = 0; i < n; i++) {
                XLU_Config *cfg = xlu_cfg_init(devnull, "bench");
                if (xlu_cfg_readdata(cfg, cases[i], lens[i])) failures++;
                xlu_cfg_destroy(cfg);
            }
        clock_gettime(CLOCK_MONOTONIC, &b);
        long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
        printf("{\"ns\":%lld,\"bytes\":%lld,\"files\":%d,\"iterations\":%d,\"rejected\":%d}\n",
               ns, bytes * iters, n, iters, failures / (iters ? iters : 1));
        return 0;
    }
    int len; char *c;
    while ((c = read_case(&len))) {
        if (!strcmp(mode, "cfg")) do_cfg(c, len);
        else if (!strcmp(mode, "disk")) do_disk(c);
        else if (!strcmp(mode, "rate")) do_rate(c);
        else { fprintf(stderr, "unknown mode %s\n", mode); return 2; }
        free(c);
        fflush(stdout);
    }
    return 0;
}
