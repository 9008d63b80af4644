import Foundation

/// Runs a harness outside libFuzzer: each argument is a file, or a directory of files (a
/// corpus), given to the harness in turn. A failed check traps, as it does under libFuzzer;
/// a clean run prints how many inputs passed.
public enum FuzzReplay {
    /// Replays the files named by the command line through `harness`.
    public static func run(_ harness: ([UInt8]) -> Void) {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("no such file: \(argument)\n".utf8))
                exit(2)
            }
            let files =
                isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map {
                    argument + "/" + $0
                } : [argument]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                harness([UInt8](data))
                count += 1
            }
        }
        print("\(count) inputs replayed, every check held")
    }

    /// Stops the process with `message` when `condition` is false: a finding.
    public static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        guard !condition else { return }
        FileHandle.standardError.write(Data("fuzz check failed: \(message())\n".utf8))
        abort()
    }
}
