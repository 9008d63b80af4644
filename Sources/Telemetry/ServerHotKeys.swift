import RESP

/// A node's hot keys as the server itself measured them with `HOTKEYS`, in either dialect:
///
/// - **Valkey 9.2+** keeps an always-on, sampled top-K (Space-Saving) of key accesses per
///   window when `hotkeys-top-k` is above 0; `HOTKEYS GET` returns the last completed window's
///   keys with their database and estimated accesses per second, and `INFO hotkeys` the
///   window's real length and sample count. cachewatch reads it at each poll while it is on.
/// - **Redis 8.6+** measures CPU time and network bytes per key in a collection session someone
///   starts (`HOTKEYS START`, `@admin`); cachewatch reads a session it finds and starts one only
///   on request (`profile --hotkeys`, the dashboard's profile key).
///
/// Either way the figures are rates over the window or session, so the two compare with each
/// other and with the sampled `OBJECT FREQ` ranking.
public struct ServerHotKeys: Sendable, Hashable {
    /// Which dialect measured them.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        /// Valkey 9.2+: always-on sampled access counting, per window.
        case valkeyWindow = "valkey-hotkeys"
        /// Redis 8.6+: a collection session of CPU time and network bytes per key.
        case redisSession = "redis-hotkeys"

        /// How the dashboard and text outputs name it.
        public var title: String {
            switch self {
            case .valkeyWindow: "HOTKEYS (Valkey, accesses per window)"
            case .redisSession: "HOTKEYS (Redis, CPU and network per session)"
            }
        }
    }

    /// One hot key and what the server measured of it.
    public struct Entry: Sendable, Hashable {
        /// The key, byte for byte.
        public var key: [UInt8]
        /// The database it was accessed in (Valkey reports it; Redis sessions do not).
        public var database: Int?
        /// Estimated accesses per second over the window (Valkey).
        public var accessesPerSecond: Double?
        /// CPU spent on the key, in percent of one core over the session (Redis).
        public var cpuPercent: Double?
        /// Request and reply bytes of the key per second over the session (Redis).
        public var networkBytesPerSecond: Double?

        /// Creates an entry.
        public init(
            key: [UInt8], database: Int? = nil, accessesPerSecond: Double? = nil, cpuPercent: Double? = nil,
            networkBytesPerSecond: Double? = nil
        ) {
            self.key = key
            self.database = database
            self.accessesPerSecond = accessesPerSecond
            self.cpuPercent = cpuPercent
            self.networkBytesPerSecond = networkBytesPerSecond
        }

        /// The name a labelled metric gives it: the escaped key, with its database when not 0
        /// (`user:42 (db 3)`).
        public var instanceName: String {
            let name = KeyName.escaped(key)
            guard let database, database != 0 else { return name }
            return "\(name) (db \(database))"
        }
    }

    /// The dialect.
    public var source: Source
    /// The keys, hottest first (by accesses, else CPU, else network).
    public var entries: [Entry]
    /// Whether the server is measuring now: Valkey with `hotkeys-top-k` above 0, a Redis
    /// session still active.
    public var isTracking: Bool
    /// How long the figures were measured over, in milliseconds: Valkey's last completed
    /// window as it really lasted (`hotkeys_last_window_duration_ms`), a Redis session's
    /// duration so far.
    public var windowMilliseconds: Int64?
    /// Sampled accesses behind a Valkey window (`hotkeys_last_window_samples`): only keys above
    /// samples ÷ top-K are guaranteed to be listed.
    public var samples: Int64?
    /// Valkey's settings, where `CONFIG GET` answered.
    public var settings: ValkeyHotkeySettings?
    /// A Redis session's sampling: each key tracked with probability 1/`sampleRatio`.
    public var sampleRatio: Int64?

    /// Creates a reading.
    public init(
        source: Source, entries: [Entry], isTracking: Bool, windowMilliseconds: Int64? = nil, samples: Int64? = nil,
        settings: ValkeyHotkeySettings? = nil, sampleRatio: Int64? = nil
    ) {
        self.source = source
        self.entries = entries
        self.isTracking = isTracking
        self.windowMilliseconds = windowMilliseconds
        self.samples = samples
        self.settings = settings
        self.sampleRatio = sampleRatio
    }

    /// A Redis session's result as rates: CPU microseconds over the session's length in percent
    /// of a core, bytes over it per second; keys ranked by CPU, then network.
    public init(session report: HotkeysReport) {
        let seconds = Double(max(1, report.durationMilliseconds ?? 0)) / 1000
        var byKey: [[UInt8]: Entry] = [:]
        var order: [[UInt8]] = []
        for entry in report.byCPUMicroseconds {
            if byKey[entry.key] == nil { order.append(entry.key) }
            byKey[entry.key, default: Entry(key: entry.key)].cpuPercent = Double(entry.value) / seconds / 10_000
        }
        for entry in report.byNetworkBytes {
            if byKey[entry.key] == nil { order.append(entry.key) }
            byKey[entry.key, default: Entry(key: entry.key)].networkBytesPerSecond = Double(entry.value) / seconds
        }
        self.init(
            source: .redisSession, entries: order.compactMap { byKey[$0] }, isTracking: report.isActive,
            windowMilliseconds: report.durationMilliseconds, sampleRatio: report.sampleRatio)
    }

    /// Reads Valkey's `HOTKEYS GET` reply — an array of entries, each a map (RESP3) or a flat
    /// array (RESP2) of `key`, `db` and `qps` — with `INFO hotkeys`' text and the settings;
    /// `nil` for a reply of another shape (Redis's session reply, an error). Entries without a
    /// key are skipped, unknown fields ignored.
    public init?(window reply: RESPValue, info: String?, settings: ValkeyHotkeySettings?) {
        guard case .array(let items) = reply.withoutAttributes else { return nil }
        var entries: [Entry] = []
        for item in items {
            guard let fields = item.elements, fields.count.isMultiple(of: 2) else { return nil }
            var entry = Entry(key: [])
            var hasKey = false
            for index in stride(from: 0, to: fields.count, by: 2) {
                switch fields[index].stringValue?.lowercased() {
                case "key":
                    guard let key = fields[index + 1].bytes else { continue }
                    entry.key = key
                    hasKey = true
                case "db": entry.database = fields[index + 1].intValue.map { Int($0) }
                case "qps": entry.accessesPerSecond = fields[index + 1].intValue.map(Double.init)
                default: continue
                }
            }
            if hasKey { entries.append(entry) }
        }
        entries.sort { ($0.accessesPerSecond ?? 0) > ($1.accessesPerSecond ?? 0) }
        let fields = info.map(Self.infoFields) ?? [:]
        self.init(
            source: .valkeyWindow, entries: entries, isTracking: settings?.isEnabled ?? !entries.isEmpty,
            windowMilliseconds: fields["hotkeys_last_window_duration_ms"].flatMap { Int64($0) },
            samples: fields["hotkeys_last_window_samples"].flatMap { Int64($0) }, settings: settings)
    }

    /// `name:value` lines of an `INFO` reply.
    private static func infoFields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(whereSeparator: \.isNewline) {
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return fields
    }

    /// The line that says how the figures were measured (`last window 1.0 s · 211,833 samples ·
    /// top 16 at 1 %`), for panels and text outputs.
    public var methodLine: String {
        var parts: [String] = []
        switch source {
        case .valkeyWindow:
            if let window = windowMilliseconds, window > 0 {
                parts.append("last window \(Self.seconds(window))")
            }
            if let samples { parts.append("\(samples) samples") }
            if let settings {
                parts.append("top \(settings.topK) at \(settings.samplingPercentage) %")
            }
        case .redisSession:
            parts.append(isTracking ? "session running" : "session ended")
            if let window = windowMilliseconds { parts.append(Self.seconds(window)) }
            if let sampleRatio, sampleRatio > 1 { parts.append("1 key in \(sampleRatio) sampled") }
        }
        return parts.joined(separator: " · ")
    }

    /// A shorter ``methodLine`` for a panel's title bar (`1.0 s window, 1 % sampled`,
    /// `10.0 s session`).
    public var compactMethodLine: String {
        switch source {
        case .valkeyWindow:
            var parts: [String] = []
            if let window = windowMilliseconds, window > 0 { parts.append("\(Self.seconds(window)) window") }
            if let settings { parts.append("\(settings.samplingPercentage) % sampled") }
            return parts.joined(separator: ", ")
        case .redisSession:
            let length = windowMilliseconds.map { "\(Self.seconds($0)) session" } ?? "session"
            return isTracking ? length + ", running" : length
        }
    }

    private static func seconds(_ milliseconds: Int64) -> String {
        milliseconds < 60_000
            ? "\(Double(milliseconds / 100) / 10) s" : "\(milliseconds / 60_000) min \(milliseconds / 1000 % 60) s"
    }
}

/// Valkey 9.2's hot-key settings, from `CONFIG GET hotkeys-*`.
public struct ValkeyHotkeySettings: Sendable, Hashable {
    /// Keys tracked; 0 (the default) turns tracking off.
    public var topK: Int
    /// Percentage of key accesses sampled (default 1).
    public var samplingPercentage: Int
    /// Length of a window, in seconds (default 1).
    public var windowSeconds: Int

    /// Creates settings.
    public init(topK: Int, samplingPercentage: Int = 1, windowSeconds: Int = 1) {
        self.topK = topK
        self.samplingPercentage = samplingPercentage
        self.windowSeconds = windowSeconds
    }

    /// The parameters asked of `CONFIG GET`.
    public static let parameters = ["hotkeys-top-k", "hotkeys-sampling-percentage", "hotkeys-window-seconds"]

    /// Reads a `CONFIG GET` reply (a map, or name, value… pairs); `nil` without `hotkeys-top-k`
    /// (a server without hot-key tracking answers nothing for unknown parameters).
    public init?(reply: RESPValue) {
        guard let items = reply.elements, items.count.isMultiple(of: 2) else { return nil }
        var values: [String: Int] = [:]
        for index in stride(from: 0, to: items.count, by: 2) {
            if let name = items[index].stringValue?.lowercased(), let value = items[index + 1].intValue {
                values[name] = Int(value)
            }
        }
        guard let topK = values["hotkeys-top-k"] else { return nil }
        self.init(
            topK: topK, samplingPercentage: values["hotkeys-sampling-percentage"] ?? 1,
            windowSeconds: values["hotkeys-window-seconds"] ?? 1)
    }

    /// Whether tracking is on.
    public var isEnabled: Bool { topK > 0 }

    /// What turns tracking on, as the dashboard and `watch` say it while it is off.
    public static let enablingHint =
        "hot-key tracking is off: CONFIG SET hotkeys-top-k 16 turns it on (sampled, 1 % of accesses by default)"
}
