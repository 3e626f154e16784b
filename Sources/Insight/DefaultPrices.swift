/// THE price table agentreplay uses unless `--prices FILE` names another (`docs/cost.md`
/// documents the format). Dollars per million tokens, as the providers' public price lists
/// give them on the `as_of` date, for the standard tier: prompts up to 200k tokens where a
/// provider charges more above that (Claude Sonnet 4/4.5, Gemini 2.5 Pro), cache writes at
/// Anthropic's 5-minute rate, no batch discount. OpenAI and Google charge nothing to write
/// their caches. A model not listed here has no price: its cost is reported unknown.
///
/// To change a price, edit this table (and the date), or pass `--prices` a copy of it.
enum DefaultPrices {
    static let json = """
    {
      "schema": "agentreplay.prices",
      "version": 1,
      "currency": "USD",
      "unit": "dollars per million tokens",
      "as_of": "2025-11",
      "models": [
        {"model": "claude-opus-4-5",   "input": 5,    "output": 25,   "cache_read": 0.50,  "cache_write": 6.25},
        {"model": "claude-opus-4-1",   "input": 15,   "output": 75,   "cache_read": 1.50,  "cache_write": 18.75},
        {"model": "claude-opus-4",     "input": 15,   "output": 75,   "cache_read": 1.50,  "cache_write": 18.75},
        {"model": "claude-sonnet-4-5", "input": 3,    "output": 15,   "cache_read": 0.30,  "cache_write": 3.75},
        {"model": "claude-sonnet-4",   "input": 3,    "output": 15,   "cache_read": 0.30,  "cache_write": 3.75},
        {"model": "claude-3-7-sonnet", "input": 3,    "output": 15,   "cache_read": 0.30,  "cache_write": 3.75},
        {"model": "claude-3-5-sonnet", "input": 3,    "output": 15,   "cache_read": 0.30,  "cache_write": 3.75},
        {"model": "claude-haiku-4-5",  "input": 1,    "output": 5,    "cache_read": 0.10,  "cache_write": 1.25},
        {"model": "claude-3-5-haiku",  "input": 0.80, "output": 4,    "cache_read": 0.08,  "cache_write": 1},
        {"model": "claude-3-opus",     "input": 15,   "output": 75,   "cache_read": 1.50,  "cache_write": 18.75},
        {"model": "claude-3-haiku",    "input": 0.25, "output": 1.25, "cache_read": 0.03,  "cache_write": 0.30},
        {"model": "gpt-5",             "input": 1.25, "output": 10,   "cache_read": 0.125, "cache_write": 0},
        {"model": "gpt-5-codex",       "input": 1.25, "output": 10,   "cache_read": 0.125, "cache_write": 0},
        {"model": "gpt-5-mini",        "input": 0.25, "output": 2,    "cache_read": 0.025, "cache_write": 0},
        {"model": "gpt-5-nano",        "input": 0.05, "output": 0.40, "cache_read": 0.005, "cache_write": 0},
        {"model": "gpt-4.1",           "input": 2,    "output": 8,    "cache_read": 0.50,  "cache_write": 0},
        {"model": "gpt-4.1-mini",      "input": 0.40, "output": 1.60, "cache_read": 0.10,  "cache_write": 0},
        {"model": "gpt-4.1-nano",      "input": 0.10, "output": 0.40, "cache_read": 0.025, "cache_write": 0},
        {"model": "gpt-4o",            "input": 2.50, "output": 10,   "cache_read": 1.25,  "cache_write": 0},
        {"model": "gpt-4o-mini",       "input": 0.15, "output": 0.60, "cache_read": 0.075, "cache_write": 0},
        {"model": "o3",                "input": 2,    "output": 8,    "cache_read": 0.50,  "cache_write": 0},
        {"model": "o4-mini",           "input": 1.10, "output": 4.40, "cache_read": 0.275, "cache_write": 0},
        {"model": "gemini-2.5-pro",    "input": 1.25, "output": 10,   "cache_read": 0.125, "cache_write": 0},
        {"model": "gemini-2.5-flash",  "input": 0.30, "output": 2.50, "cache_read": 0.03,  "cache_write": 0}
      ]
    }
    """
}
