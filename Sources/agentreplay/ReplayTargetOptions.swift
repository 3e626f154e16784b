import ArgumentParser

/// Where the commands that replay a session onto a repository of the user's (`run`, `blame`,
/// `why`) replay it: the repository, and the commit to start from when the trace names none.
struct ReplayTargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The repository to replay onto.", valueName: "dir"), completion: .directory)
    var repo: String = "."

    @Option(name: .long, help: SessionOptions.baseHelp)
    var base: String?
}
