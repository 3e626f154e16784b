import Trace

/// Where a session's tokens went: per model (with the price used, or none), and per turn
/// outcome, so the spend that left no trace in the final diff (failed retries, reverted
/// edits) is counted apart.
public struct Spend: Sendable {
    public struct Model: Sendable {
        public var model: String
        public var turns: Int
        public var usage: Usage
        /// Nil: the price table has no price for this model.
        public var price: Price?
        public var cost: Money?
    }

    public struct Bucket: Sendable {
        public var turns = 0
        public var usage = Usage()
        /// The known part of the cost; `unknownTurns` of the turns have none.
        public var cost = Money.zero
        public var unknownTurns = 0

        public init(turns: Int = 0, usage: Usage = Usage(), cost: Money = .zero, unknownTurns: Int = 0) {
            self.turns = turns
            self.usage = usage
            self.cost = cost
            self.unknownTurns = unknownTurns
        }
    }

    public var models: [Model] = []
    public var usage = Usage()
    /// The sum of every cost that is known.
    public var cost = Money.zero
    /// Whether every turn's cost is known (no tokens spent on a model without a price).
    public var complete = true
    public var kept = Bucket()
    public var reverted = Bucket()
    public var failed = Bucket()
    public var other = Bucket()
    /// Tool calls the log records as failed.
    public var failedCalls = 0

    /// Turns whose spend left no line in the final diff: reverted edits and failed retries.
    public var noTrace: Bucket {
        Bucket(
            turns: reverted.turns + failed.turns, usage: reverted.usage + failed.usage,
            cost: reverted.cost + failed.cost, unknownTurns: reverted.unknownTurns + failed.unknownTurns)
    }

    init(turns: [Turn], prices: PriceTable) {
        for turn in turns {
            failedCalls += turn.actions.filter { $0.failed && $0.kind != .prompt }.count
            guard turn.spanID != nil else { continue }  // a prompt or event without a model call
            usage = usage + turn.usage
            if let c = turn.cost { cost += c } else { complete = false }
            switch turn.outcome {
            case .kept: kept.add(turn)
            case .reverted: reverted.add(turn)
            case .failed: failed.add(turn)
            case .none: other.add(turn)
            }
            guard let model = turn.model else { continue }
            if let i = models.firstIndex(where: { $0.model == model }) {
                models[i].turns += 1
                models[i].usage = models[i].usage + turn.usage
                if let c = turn.cost, let known = models[i].cost { models[i].cost = known + c }
            } else {
                let price = prices.price(of: model)
                models.append(Model(model: model, turns: 1, usage: turn.usage, price: price, cost: turn.cost))
            }
        }
        models.sort { $0.model < $1.model }
    }
}
