import Trace

/// What a Codex rollout records about a call's permission, as the trace's canonical
/// attributes (`Permission`): each `turn_context`'s `approval_policy` and `sandbox_policy`
/// (its `type`, `writable_roots` and `network_access`), approval requests
/// (`exec_approval_request`, a command's `sandbox_permissions: "require_escalated"` or
/// `with_escalated_permissions`), and refusals its outputs state ("rejected by user", a
/// sandbox denial).
enum CodexPermission {
    /// The policy attributes of a `turn_context` payload.
    static func policy(_ context: FieldDecoder) throws(TraceError) -> Attributes {
        var attributes = Attributes()
        if let approval = try context.optionalString("approval_policy") { attributes[Permission.mode] = .string(approval) }
        if let sandbox = context["sandbox_policy"] {
            // Older rollouts write the policy as a bare string (`"danger-full-access"`).
            if let type = sandbox.stringValue ?? sandbox["type"]?.stringValue { attributes[Permission.sandbox] = .string(type) }
            if let roots = sandbox["writable_roots"]?.arrayValue {
                attributes[Permission.writableRoots] = .array(roots.compactMap { $0.stringValue.map(JSON.string) })
            }
            if let network = sandbox["network_access"]?.boolValue { attributes[Permission.network] = .bool(network) }
        }
        return attributes
    }

    static func annotate(_ attributes: inout Attributes, policy: Attributes, input: JSON, output: JSON?, requested: Bool) {
        for (name, value) in policy { attributes[name] = value }
        let escalated = input["sandbox_permissions"]?.stringValue == "require_escalated" || input["with_escalated_permissions"]?.boolValue == true
        if requested || escalated { attributes[Permission.requested] = .bool(true) }
        guard let text = (output?.stringValue ?? output?["output"]?.stringValue).map({ $0.prefix(characters: 600) }) else { return }
        if text.firstUTF8Range(of: "rejected by user") != nil || text.firstUTF8Range(of: "declined by user") != nil {
            attributes[Permission.decision] = .string(Permission.Decision.deniedByUser.rawValue)
            attributes[Permission.decidedBy] = .string("user")
        } else if text.firstUTF8Range(of: "sandbox") != nil
            && (text.firstUTF8Range(of: "denied") != nil || text.firstUTF8Range(of: "Operation not permitted") != nil)
        {
            attributes[Permission.decision] = .string(Permission.Decision.blockedBySandbox.rawValue)
            attributes[Permission.decidedBy] = .string("sandbox")
        }
    }
}
