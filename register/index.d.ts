// `memprof/register` is loaded for its effect (a global `profile` and the load hook); it exports nothing.
export {};
