{
  "targets": [
    {
      "target_name": "memprof",
      "sources": ["native/memprof.cc"],
      "cflags_cc": ["-O2", "-std=c++17", "-Wno-cast-function-type"]
    }
  ]
}
