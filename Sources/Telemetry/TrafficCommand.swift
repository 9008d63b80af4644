/// What a data command does to the keys it names, as a profile counts it.
public enum TrafficRole: String, Sendable, Hashable, CaseIterable {
    /// Looks keys up (`GET`, `HGETALL`, `MGET`…): each key named is one read, a hit or a miss.
    case read
    /// Writes keys (`SET`, `HSET`, `EXPIRE`, `INCR`…).
    case write
    /// Removes keys (`DEL`, `UNLINK`).
    case delete
    /// Reads and removes (`GETDEL`): a read and a delete.
    case readDelete
}

/// Where a command's keys are among its arguments.
public enum KeyPositions: Sendable, Hashable {
    /// The first argument.
    case first
    /// The first two (`RENAME src dst`, `LMOVE src dst …`).
    case firstTwo
    /// Every argument (`MGET k1 k2`, `DEL k1 k2`).
    case all
    /// Every other one from the first (`MSET k1 v1 k2 v2`).
    case alternate
}

/// The data commands a profile recognises in `MONITOR`'s stream: their role and where their
/// keys are. Everything else (administration, cachewatch's own metadata reads — `TYPE`,
/// `PTTL`, `MEMORY USAGE`, `SCAN` —, pub/sub, scripts) is counted as a command but names no key.
public struct TrafficCommand: Sendable, Hashable {
    /// The role.
    public let role: TrafficRole
    /// Where its keys are.
    public let keys: KeyPositions

    /// The entry for a command name in upper case, if it is a data command.
    public static func named(_ name: String) -> TrafficCommand? { table[name] }

    private static let table: [String: TrafficCommand] = {
        var table: [String: TrafficCommand] = [:]
        func add(_ role: TrafficRole, _ keys: KeyPositions, _ names: String) {
            for name in names.split(separator: " ") { table[String(name)] = TrafficCommand(role: role, keys: keys) }
        }
        add(
            .read, .first,
            "GET GETEX HGETEX HGETDEL GETRANGE SUBSTR STRLEN HGET HMGET HGETALL HEXISTS HKEYS HVALS HLEN HSTRLEN HRANDFIELD "
                + "HSCAN LRANGE LINDEX LLEN LPOS SMEMBERS SISMEMBER SMISMEMBER SCARD SRANDMEMBER SSCAN ZRANGE "
                + "ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE ZREVRANGEBYSCORE ZREVRANGEBYLEX ZSCORE ZMSCORE ZCARD ZCOUNT "
                + "ZLEXCOUNT ZRANK ZREVRANK ZRANDMEMBER ZSCAN XRANGE XREVRANGE XLEN GETBIT BITCOUNT BITPOS "
                + "GEOPOS GEODIST GEOSEARCH GEORADIUS_RO GEORADIUSBYMEMBER_RO GEOHASH JSON.GET JSON.TYPE "
                + "JSON.STRLEN JSON.ARRLEN JSON.OBJKEYS")
        add(.read, .all, "MGET EXISTS PFCOUNT SINTER SUNION SDIFF JSON.MGET")
        add(
            .write, .first,
            "SET SETEX PSETEX SETNX APPEND SETRANGE INCR INCRBY INCRBYFLOAT DECR DECRBY GETSET HSET HMSET HSETNX "
                + "HDEL HINCRBY HINCRBYFLOAT HEXPIRE HPEXPIRE HPERSIST HSETEX LPUSH RPUSH LPUSHX "
                + "RPUSHX LPOP RPOP LSET LTRIM LREM LINSERT SADD SREM SPOP ZADD ZREM ZINCRBY ZPOPMIN ZPOPMAX "
                + "ZREMRANGEBYSCORE ZREMRANGEBYRANK ZREMRANGEBYLEX XADD XTRIM XDEL EXPIRE PEXPIRE EXPIREAT "
                + "PEXPIREAT PERSIST SETBIT PFADD GEOADD JSON.SET JSON.DEL JSON.NUMINCRBY JSON.ARRAPPEND")
        add(.write, .firstTwo, "RENAME RENAMENX COPY SMOVE LMOVE RPOPLPUSH")
        add(.write, .alternate, "MSET MSETNX")
        add(.delete, .all, "DEL UNLINK")
        add(.readDelete, .first, "GETDEL")
        return table
    }()
}
