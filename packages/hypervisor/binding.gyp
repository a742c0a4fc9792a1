{
  "targets": [
    {
      "target_name": "xendeck_xen",
      "sources": ["native/xendeck_xen.cc", "native/xc_domains.c"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-fexceptions", "-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter",
                    "<!@(pkg-config --cflags xenlight xenstore xentoollog xenstat xencontrol)"],
      "libraries": ["<!@(pkg-config --libs xenlight xenstore xentoollog xenstat xencontrol)"]
    }
  ]
}
