/// How gently the key sampler works.
public struct KeySamplerConfiguration: Sendable {
    /// When length commands (`STRLEN`, `HLEN`…) are sent. They count as key accesses and
    /// refresh LRU/LFU data — protecting sampled keys from eviction — unless the connection is
    /// in `CLIENT NO-TOUCH` mode (Redis 7.2+).
    public enum LengthPolicy: String, Sendable, CaseIterable {
        /// Only where `CLIENT NO-TOUCH ON` succeeded (no footprint).
        case auto
        /// Always (element counts at the price of touching keys on older servers).
        case always
        /// Never.
        case never
    }

    /// When `OBJECT` is sent with each key.
    public enum ObjectPolicy: String, Sendable, CaseIterable {
        /// `OBJECT FREQ` under an LFU policy, where it tells the hot keys; nothing otherwise.
        case auto
        /// `OBJECT FREQ`, or `OBJECT IDLETIME` when the policy is not LFU.
        case always
        /// Never.
        case never
    }

    /// `SCAN … COUNT n`: keys the server visits per SCAN call (1…1000).
    public var scanCount: Int
    /// How often the eviction policy is read again at a pass's start (it decides `OBJECT FREQ`).
    public var policyRecheck: Duration = .seconds(60)
    /// Keys per second at most; `nil` means as fast as the server answers (one-shot scans).
    public var keysPerSecond: Int?
    /// Commands in one pipeline at most.
    public var commandsPerPipeline: Int
    /// `MEMORY USAGE key SAMPLES s`: elements sampled for collections (Redis's default is 5).
    public var memorySamples: Int
    /// Metadata requests on their way at once: 1 keeps continuous sampling smooth, 2 keeps a
    /// one-shot scan's server busy while the client reads the replies.
    public var pipelineDepth: Int
    /// When lengths are read.
    public var lengths: LengthPolicy
    /// When `OBJECT` is read.
    public var object: ObjectPolicy

    /// Creates a configuration. The defaults suit continuous sampling of a production server:
    /// 100 keys a second in batches of 50, about 250 cheap commands a second — `OBJECT FREQ`
    /// under an LFU policy, `OBJECT IDLETIME` under any other (which namespaces an LRU policy
    /// evicts first, for the staleness verdicts: see `EvictionPropensity`).
    public init(
        scanCount: Int = 50, keysPerSecond: Int? = 100, commandsPerPipeline: Int = 600, memorySamples: Int = 5,
        lengths: LengthPolicy = .auto, object: ObjectPolicy = .always, pipelineDepth: Int = 1
    ) {
        self.scanCount = min(1000, max(1, scanCount))
        self.keysPerSecond = keysPerSecond.map { max(1, $0) }
        self.commandsPerPipeline = max(8, commandsPerPipeline)
        self.memorySamples = max(0, memorySamples)
        self.lengths = lengths
        self.object = object
        self.pipelineDepth = max(1, pipelineDepth)
    }

    /// For one-shot scans: big SCAN batches, no rate limit.
    public static let fullScan = KeySamplerConfiguration(
        scanCount: 1000, keysPerSecond: nil, commandsPerPipeline: 4000, object: .auto, pipelineDepth: 2)
}
