import Foundation

/// Creates unique temporary directories.
enum TempDirectory {
    static func make(prefix: String) throws -> String {
        var template = Array(("/tmp/" + prefix + ".XXXXXX").utf8CString)
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: \(errno)")
        }
        return String(cString: result)
    }
}
