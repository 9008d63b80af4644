/// The names `TYPE` answers for the built-in types, as bytes to match a reply against and as
/// the strings a ``KeyMetadata`` carries (one each, not one per key).
enum KeyTypeName {
    static let known: [(bytes: [UInt8], name: String)] = [
        "string", "hash", "list", "set", "zset", "stream",
    ].map { (Array($0.utf8), $0) }
}
