import RESP

/// How a connection behaves: timeouts, protocol, client name and which commands it may send.
public struct ConnectionConfiguration: Sendable {
    /// How long establishing TCP (or the unix socket) plus the handshake may take.
    public var connectTimeout: Duration
    /// How long a pipeline may wait for its last reply before the connection is declared dead.
    public var commandTimeout: Duration
    /// The name set with `CLIENT SETNAME` (so `CLIENT LIST` shows who we are); `nil` sets none.
    public var clientName: String?
    /// Whether to ask for RESP3 with `HELLO 3` (falling back to RESP2 when the server refuses).
    public var prefersRESP3: Bool
    /// Which commands may be sent.
    public var policy: CommandPolicy
    /// Caps for decoding replies.
    public var decoderLimits: RESPDecoderLimits
    /// How TLS is done for endpoints that use it.
    public var tls: TLSSettings

    /// Creates a configuration. The defaults suit a monitor polling once a second.
    public init(
        connectTimeout: Duration = .seconds(3),
        commandTimeout: Duration = .seconds(2),
        clientName: String? = "cachewatch",
        prefersRESP3: Bool = true,
        policy: CommandPolicy = .readOnlyMonitoring,
        decoderLimits: RESPDecoderLimits = .default,
        tls: TLSSettings = TLSSettings()
    ) {
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.clientName = clientName
        self.prefersRESP3 = prefersRESP3
        self.policy = policy
        self.decoderLimits = decoderLimits
    }
}
