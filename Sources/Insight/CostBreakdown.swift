import Replay
import Trace

/// The session's model turns grouped two more ways than by turn, file and hunk: by the
/// sub-agent they ran in (Claude Code's sidechains, the main thread apart), and by the tool
/// they asked for.
///
/// - A turn belongs to one thread: the nearest `agent` span above its llm span, or the main
///   thread. Thread costs add up to the session's.
/// - A turn counts for every tool it asked for, once per tool: a turn that ran Read and Edit
///   counts for both, so tool costs do not add up to the total (as file costs do not). Turns
///   that asked for no tool are `(no tool call)`.
public struct CostBreakdown: Sendable {
    /// One sub-agent: its `agent` span, and what its turns spent.
    public struct Subagent: Sendable {
        /// The agent span's step (`#N`) and id.
        public var step: Int
        public var spanID: Span.ID
        /// The agent's own id (`gen_ai.agent.id`), when the log names it.
        public var agentID: String?
        /// The tool call that started it (Claude Code's Task or Agent call), when linked.
        public var taskCallID: String?
        public var spend: Spend.Bucket
    }

    /// One tool name: how many calls, and the turns that asked for it.
    public struct Tool: Sendable {
        public var name: String
        public var calls: Int
        public var spend: Spend.Bucket
    }

    /// The name under which turns without a tool call are counted.
    public static let noTool = "(no tool call)"

    public var mainThread = Spend.Bucket()
    public var subagents: [Subagent] = []
    public var tools: [Tool] = []

    init(turns: [Turn], run: Run, span: (Int) -> Span?) {
        var stepOf: [Span.ID: Int] = [:]
        for step in run.steps where stepOf[step.spanID] == nil { stepOf[step.spanID] = step.index }
        /// The agent step above `index`, bounded: a log may loop its parent links.
        func agent(of index: Int) -> Int? {
            var parent = span(index)?.parentID
            var hops = 0
            while let id = parent, hops < 64, let i = stepOf[id] {
                if run.steps[i].kind == .agent { return i }
                parent = span(i)?.parentID
                hops += 1
            }
            return nil
        }
        var agentAt: [Int: Int] = [:]  // agent step -> index in subagents
        var toolAt: [String: Int] = [:]
        for turn in turns {
            for action in turn.actions where action.kind != .prompt && action.kind != .event {
                let name = action.tool ?? action.name
                if toolAt[name] == nil {
                    toolAt[name] = tools.count
                    tools.append(Tool(name: name, calls: 0, spend: Spend.Bucket()))
                }
                tools[toolAt[name]!].calls += 1
            }
            guard let step = turn.step, turn.spanID != nil else { continue }
            if let a = agent(of: step) {
                if agentAt[a] == nil {
                    agentAt[a] = subagents.count
                    let s = span(a)
                    subagents.append(
                        Subagent(
                            step: a, spanID: run.steps[a].spanID, agentID: s?.attributes[GenAI.agentID]?.stringValue,
                            taskCallID: s?.attributes["agentreplay.parent_tool_call.id"]?.stringValue, spend: Spend.Bucket()))
                }
                subagents[agentAt[a]!].spend.add(turn)
            } else {
                mainThread.add(turn)
            }
            let names = Set(turn.actions.filter { $0.kind != .prompt && $0.kind != .event }.map { $0.tool ?? $0.name })
            if names.isEmpty {
                if toolAt[Self.noTool] == nil {
                    toolAt[Self.noTool] = tools.count
                    tools.append(Tool(name: Self.noTool, calls: 0, spend: Spend.Bucket()))
                }
                tools[toolAt[Self.noTool]!].spend.add(turn)
            }
            for name in names.sorted() { tools[toolAt[name]!].spend.add(turn) }
        }
        subagents.sort { $0.step < $1.step }
        tools.sort { $0.name < $1.name }
    }
}

extension Spend.Bucket {
    /// Counts `turn`'s tokens and cost (or its unknown cost) in the bucket.
    mutating func add(_ turn: Turn) {
        turns += 1
        usage = usage + turn.usage
        if let c = turn.cost { cost += c } else { unknownTurns += 1 }
    }
}
