// The shared builders of logs and repositories (Tests/TestSupport), for every file here.
@_exported import TestSupport
