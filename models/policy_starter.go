package models

// starterPolicies is the built-in starter pack, installed once (by the
// migration that creates the governance tables) as adopted global policies
// that can be edited, proposed for change or retired like any other. Only
// the two that no product should ever break are blocking; the rest warn,
// so that a mesh adopting meshport is told before anything is stopped.
func starterPolicies() []Policy {
	active := "product.status == 'active'"
	specs := []struct {
		key string
		PolicySpec
	}{
		{"owner-named", PolicySpec{Name: "Owner named", Severity: SeverityBlocking, Field: "owner", Level: "bronze",
			Description: "Every product names who answers for it: a person's email address or a group.",
			Rule:        "size(product.owner.trim()) > 0",
			Message:     "'Name the owner: an email address or a group.'"}},
		{"description-50", PolicySpec{Name: "Active products are described", Severity: SeverityWarning, Field: "description", Level: "bronze",
			Description: "Consumers decide from the description whether a product is for them; an active product has at least 50 characters of it.",
			Condition:   active, Rule: "size(product.description) >= 50",
			Message: "'The description has ' + string(size(product.description)) + ' characters; write at least 50.'"}},
		{"pii-classified", PolicySpec{Name: "Personal data is confidential or restricted", Severity: SeverityBlocking, Field: "classification", Level: "bronze",
			Description: "A product that contains personal data is classified confidential or restricted, never public or internal.",
			Condition:   "product.contains_pii", Rule: "product.classification in ['confidential', 'restricted']",
			Message: "'It contains personal data but is classified ' + product.classification + '; classify it confidential or restricted.'"}},
		{"freshness-sla", PolicySpec{Name: "Active products have a freshness SLA", Severity: SeverityWarning, Field: "freshness_sla", Level: "silver",
			Description: "Consumers need to know how fresh the data is meant to be.",
			Condition:   active, Rule: "product.freshness_sla > duration('0s')",
			Message: "'Set a freshness SLA, such as 1d.'"}},
		{"ports-crawled", PolicySpec{Name: "Output ports of active products are crawled", Severity: SeverityWarning, Field: "output_ports", Level: "silver",
			Description: "Freshness, usage and size are only known for ports in a crawled source that the crawler has found.",
			Condition:   active, Rule: "size(product.output_ports) > 0 && product.output_ports.all(p, p.crawled)",
			Message: "size(product.output_ports) == 0 ? 'Add an output port in a crawled source.' : " +
				"'Not crawled: ' + product.output_ports.filter(p, !p.crawled).map(p, p.name).join(', ') + '. Choose the source each port is in.'"}},
		{"no-gone-ports", PolicySpec{Name: "No output port points at a gone asset", Severity: SeverityWarning, Field: "output_ports", Level: "bronze",
			Description: "A port whose table or files the crawler no longer finds leaves consumers with nothing to read.",
			Rule:        "!product.output_ports.exists(p, p.gone)",
			Message:     "'Gone from their source: ' + product.output_ports.filter(p, p.gone).map(p, p.name + ' (' + p.location + ')').join(', ') + '.'"}},
		{"read-in-90-days", PolicySpec{Name: "Active products are read", Severity: SeverityWarning, Level: "gold",
			Description: "An active product nobody has read for 90 days should be deprecated or promoted.",
			Condition:   active + " && product.health.usage_known", Rule: "product.health.unread_for < duration('2160h')",
			Message: "'Nobody has read it for ' + string(int(product.health.unread_for.getHours() / 24)) + ' days.'"}},
		{"not-stale-2x", PolicySpec{Name: "Not stale beyond twice the SLA", Severity: SeverityWarning, Field: "freshness_sla", Level: "gold",
			Description: "stale_for counts from when the SLA broke, so this fails once the data is older than twice its SLA.",
			Condition:   "product.freshness_sla > duration('0s')", Rule: "product.health.stale_for <= product.freshness_sla",
			Message: "'Stale for ' + string(int(product.health.stale_for.getHours())) + ' hours past an SLA of ' + string(int(product.freshness_sla.getHours())) + ' hours.'"}},
	}
	out := make([]Policy, len(specs))
	for i, s := range specs {
		s.AppliesTo = AppliesToProduct
		out[i] = Policy{Key: s.key, Scope: ScopeGlobal, PolicySpec: s.PolicySpec, State: PolicyAdopted, Version: 1, Starter: true, CreatedBy: "meshport starter pack"}
	}
	return out
}
