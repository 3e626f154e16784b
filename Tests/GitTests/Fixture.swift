import Foundation
import XCTest

@testable import Git

/// A real repository built by the git CLI in a temporary directory.
struct Fixture {
    let path: String
    let git: GitCLI

    /// An existing repository at `path`.
    init(path: String, git: GitCLI) {
        self.path = path
        self.git = git
    }

    /// `git init` plus one commit of `files` (see ``writeFiles(_:under:executable:)``)
    /// when there are any.
    init(_ test: XCTestCase, files: [String: String] = [:], executable: Set<String> = [], bare: Bool = false) throws {
        path = try makeTemporaryDirectory(test)
        git = GitCLI(directory: path)
        try git("init", "-q", bare ? "--bare" : "--no-bare")
        if !files.isEmpty {
            try commit(files, executable: executable, message: "initial")
        }
    }

    /// Writes `files`, stages everything and commits; returns the commit id.
    @discardableResult
    func commit(_ files: [String: String], executable: Set<String> = [], removing: [String] = [], message: String) throws -> ObjectID {
        for path in removing { try FileManager.default.removeItem(atPath: self.path + "/" + path) }
        try writeFiles(files, under: path, executable: executable)
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", message)
        return try XCTUnwrap(ObjectID(hex: git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The output of a git command as an id.
    func id(_ arguments: String...) throws -> ObjectID {
        let output = try git.run(arguments)
        let text = String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return try XCTUnwrap(ObjectID(hex: text), "git \(arguments) said \(text) \(output.stderr)")
    }

    func open(objectsInMemory: Bool = false) throws -> Repository {
        try Repository.open(path, objectsInMemory: objectsInMemory)
    }
}
