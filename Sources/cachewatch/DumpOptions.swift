import ArgumentParser
import Engine
import Fleet
import Foundation
import Metrics
import RDB

#if canImport(Glibc)
import Glibc
#endif

/// `--rdb FILE` on `top` and `snapshot`: the node's dump, read before anything connects, whose
/// whole keyspace is shown instead of key sampling's estimates.
struct DumpOptions: ParsableArguments {
    @Option(
        name: .customLong("rdb"),
        help: ArgumentHelp(
            "The node's RDB file (BGSAVE's dump, a backup): its whole keyspace replaces the sampled estimates, marked with the dump's age (one node only).",
            valueName: "FILE"))
    var path: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "With --rdb: the allocator the server was built with (INFO memory's mem_allocator), whose sizes memory is counted in: jemalloc or libc.",
            valueName: "jemalloc|libc"))
    var allocator: Allocator?

    func validate() throws {
        if allocator != nil && path == nil { throw ValidationError("--allocator goes with --rdb") }
    }

    /// The dump of the one node in `targets`, read now (progress on a terminal); none without
    /// `--rdb`.
    ///
    /// - Throws: ``CLIFailure`` in one line: several nodes, a file that is not a dump.
    func dumps(for targets: [NodeTarget], command: String) throws -> [String: KeyspaceDump] {
        guard let path else { return [:] }
        guard targets.count == 1, let node = targets.first?.name else {
            throw CLIFailure("\(command): --rdb is one node's dump: give one node, not \(targets.count)")
        }
        let progress = ScanProgress(enabled: isatty(STDERR_FILENO) == 1)
        defer { progress.finish() }
        do {
            let outcome = try RDBKeyspace.analyse(
                paths: [path], configuration: KeyspaceModel.Configuration(), allocator: allocator ?? .jemalloc,
                progress: { path, read, size in progress.reading(path, read: read, size: size) })
            return [node: KeyspaceDump(path: path, savedAt: outcome.dumpedAt, model: outcome.model)]
        } catch let error as RDBError {
            throw CLIFailure("\(command): \(path): \(error)")
        }
    }
}
