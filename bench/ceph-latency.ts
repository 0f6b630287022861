// Latency of Ceph routes in direct mode vs the bare Ceph CLI for the same work.
// Usage: PVC_TEST_CEPH_CONF=<conf> PVC_TEST_ZK=<host:port> node bench/ceph-latency.ts
import "../packages/adapters-ceph/src/LatencyBench.ts"
