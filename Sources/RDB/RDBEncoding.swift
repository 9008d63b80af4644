/// How a value is stored in an RDB file — its type byte — with the type a server reports for it
/// (`TYPE`) and whether its elements sit in one packed blob. Type bytes mean the same in Redis
/// and Valkey files up to 21; from 22 on they part (``init(typeByte:valkey:)``).
public enum RDBEncoding: UInt8, Sendable, CaseIterable {
    case string = 0
    case list = 1
    case set = 2
    case zset = 3
    case hash = 4
    case zset2 = 5
    case modulePreGA = 6
    case module2 = 7
    case hashZipmap = 9
    case listZiplist = 10
    case setIntset = 11
    case zsetZiplist = 12
    case hashZiplist = 13
    case listQuicklist = 14
    case streamListpacks = 15
    case hashListpack = 16
    case zsetListpack = 17
    case listQuicklist2 = 18
    case streamListpacks2 = 19
    case setListpack = 20
    case streamListpacks3 = 21
    /// Redis 7.4 release candidates: a hash with field TTLs (TTL, field, value).
    case hashMetadataPreGA = 22
    /// Redis 7.4 release candidates: a listpack hash with field TTLs.
    case hashListpackExPreGA = 23
    /// A hash with field TTLs, its smallest TTL first (Redis 7.4+).
    case hashMetadata = 24
    /// A listpack hash with field TTLs (field, value, TTL triples), its smallest TTL first.
    case hashListpackEx = 25
    /// A stream with idempotent-producer (IDMP) records after its consumer groups (Redis 8.6+).
    case streamListpacks4 = 26
    /// Valkey 9 (`VALKEY080`): a hash with field TTLs, each field followed by its value and its
    /// expiry in 8 bytes (type byte 22 in Valkey files).
    case valkeyHash2 = 0xE0

    /// The encoding of a type byte in a Redis (`REDIS00nn`) or Valkey (`VALKEYnnn`) file.
    public init?(typeByte: UInt8, valkey: Bool) {
        if valkey {
            guard typeByte <= 22 else { return nil }
            if typeByte == 22 {
                self = .valkeyHash2
                return
            }
        }
        guard typeByte < 0xE0, let encoding = RDBEncoding(rawValue: typeByte) else { return nil }
        self = encoding
    }

    /// The type `TYPE` reports (module values: their module's type name, read with them).
    public var typeName: String {
        switch self {
        case .string: "string"
        case .list, .listZiplist, .listQuicklist, .listQuicklist2: "list"
        case .set, .setIntset, .setListpack: "set"
        case .zset, .zset2, .zsetZiplist, .zsetListpack: "zset"
        case .hash, .hashZipmap, .hashZiplist, .hashListpack, .hashMetadataPreGA, .hashListpackExPreGA, .hashMetadata,
            .hashListpackEx, .valkeyHash2:
            "hash"
        case .streamListpacks, .streamListpacks2, .streamListpacks3, .streamListpacks4: "stream"
        case .modulePreGA, .module2: "module"
        }
    }

    /// The type `TYPE` reports for a value of this encoding: its module's type name when it is
    /// a module value with `moduleID`.
    public func typeName(moduleID: UInt64?) -> String {
        moduleID.map(RDBReader.moduleName) ?? typeName
    }

    /// The encoding's name as `OBJECT ENCODING` would say it once loaded.
    public var name: String {
        switch self {
        case .string: "string"
        case .list, .listQuicklist, .listQuicklist2: "quicklist"
        case .set, .hash: "hashtable"
        case .zset, .zset2: "skiplist"
        case .modulePreGA, .module2: "module"
        case .hashZipmap: "zipmap"
        case .listZiplist, .zsetZiplist, .hashZiplist: "ziplist"
        case .setIntset: "intset"
        case .streamListpacks, .streamListpacks2, .streamListpacks3, .streamListpacks4: "stream"
        case .hashListpack, .zsetListpack, .setListpack, .hashListpackExPreGA, .hashListpackEx: "listpack"
        case .hashMetadataPreGA, .hashMetadata, .valkeyHash2: "hashtable"
        }
    }
}
