// Tests reach the process helpers through TestSupport.
@_exported import class Workload.ChildProcess
@_exported import enum Workload.FreePort
@_exported import class Workload.PrivateRedisServer
@_exported import enum Workload.ServerBinary
@_exported import struct Workload.SplitMix64
