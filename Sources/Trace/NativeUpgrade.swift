/// What a native trace written by an earlier agentreplay records in another form, brought to
/// today's as `TraceReader` reads it (`docs/trace-format.md`, "Traces written earlier"), so
/// nothing downstream reads the earlier forms, whether the trace comes from a file or from a
/// repository's store:
///
/// - a shell call without `process.*` attributes gets them (`ShellCalls`);
/// - `agentreplay.usage.reasoning_output_tokens` becomes `gen_ai.usage.reasoning.output_tokens`.
///   Gemini CLI and OpenCode traces counted those tokens apart from the output; they are added
///   to it, as today's importers count them.
enum NativeUpgrade {
    static let earlierReasoning = "agentreplay.usage.reasoning_output_tokens"

    static func span(_ span: Span, agent: Agent) -> Span {
        var span = ShellCalls.canonical(span, agent: agent)
        guard span.kind == .llm, let reasoning = span.attributes[earlierReasoning]?.intValue,
            span.attributes[GenAI.reasoningTokens] == nil
        else { return span }
        span.attributes[earlierReasoning] = nil
        if reasoning > 0 { span.attributes[GenAI.reasoningTokens] = .number(reasoning) }
        if agent == .gemini || agent == .openCode, reasoning > 0 {
            let output = span.attributes[GenAI.outputTokens]?.intValue ?? 0
            span.attributes[GenAI.outputTokens] = .number(output.saturatingAdd(reasoning))
        }
        return span
    }
}
