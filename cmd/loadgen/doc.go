// Command loadgen offers a fixed request rate to one URL over a fixed number
// of connections and reports throughput and latency percentiles. Unlike a
// closed loop (wrk), it measures each request from when it was due, so a
// stalled server shows up in the percentiles instead of lowering the load
// (no coordinated omission). Only for loopback benchmarks of meshport.
//
// Imports: the standard library only.
package main
