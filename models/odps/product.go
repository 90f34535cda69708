package odps

import (
	"github.com/meshport/meshport/models/bitol"
)

// Product is a parsed (or built) data product; it is immutable.
type Product struct {
	doc *bitol.Doc
}

// Description is the product's description block.
type Description struct {
	Purpose     string
	Limitations string
	Usage       string
}

// Team is the team owning the product (ODPS v1 shape).
type Team struct {
	Name        string
	Description string
	Members     []Member
}

// Member is one team member; Username is required by ODPS.
type Member struct {
	Username    string
	Name        string
	Role        string
	Description string
	DateIn      string // a date, 2023-01-15
	DateOut     string
}

// Support is a support channel; ODPS requires Channel and URL.
type Support struct {
	Channel     string
	URL         string
	Description string
	Tool        string // email, slack, teams, discord, ticket, other
	Scope       string // interactive, announcements, issues
}

// InputPort is data the product reads, under a contract.
type InputPort struct {
	Name       string
	Version    string
	ContractID string
	Tags       []string
}

// OutputPort is data the product offers; Name and Version are its key.
type OutputPort struct {
	Name        string
	Version     string
	Description string
	Type        string // tables, topic, api...
	ContractID  string
	Tags        []string
	// InputContracts are the contracts this port's data depends on.
	InputContracts []InputContract
	// CustomProperties of the port (meshport keeps the port's location
	// and crawled source there).
	CustomProperties []bitol.CustomProperty
}

// InputContract is a dependency of an output port.
type InputContract struct {
	ID      string
	Version string
}

func (p *Product) root() *bitol.Map { return p.doc.Root }

// APIVersion is the ODPS version the document declares.
func (p *Product) APIVersion() string { return p.root().String("apiVersion") }

// ID is the product's id.
func (p *Product) ID() string { return p.root().String("id") }

// Name is the product's name.
func (p *Product) Name() string { return p.root().String("name") }

// Version is the product's version.
func (p *Product) Version() string { return p.root().String("version") }

// Status is proposed, draft, active, deprecated or retired (examples of
// ODPS; any string is valid).
func (p *Product) Status() string { return p.root().String("status") }

// Domain is the business domain.
func (p *Product) Domain() string { return p.root().String("domain") }

// Tenant is the organisation.
func (p *Product) Tenant() string { return p.root().String("tenant") }

// Tags are the product's tags.
func (p *Product) Tags() []string { return stringList(p.root().List("tags")) }

// Description returns purpose, limitations and usage.
func (p *Product) Description() Description {
	d := p.root().Map("description")
	return Description{Purpose: d.String("purpose"), Limitations: d.String("limitations"), Usage: d.String("usage")}
}

// Team returns the team; its zero value when there is none.
func (p *Product) Team() Team {
	t := p.root().Map("team")
	out := Team{Name: t.String("name"), Description: t.String("description")}
	for _, v := range t.List("members") {
		m, ok := v.(*bitol.Map)
		if !ok {
			continue
		}
		out.Members = append(out.Members, Member{
			Username: m.String("username"), Name: m.String("name"), Role: m.String("role"),
			Description: m.String("description"), DateIn: m.String("dateIn"), DateOut: m.String("dateOut"),
		})
	}
	return out
}

// Support returns the support channels.
func (p *Product) Support() []Support {
	var out []Support
	for _, m := range maps(p.root().List("support")) {
		out = append(out, Support{
			Channel: m.String("channel"), URL: m.String("url"), Description: m.String("description"),
			Tool: m.String("tool"), Scope: m.String("scope"),
		})
	}
	return out
}

// InputPorts returns the input ports.
func (p *Product) InputPorts() []InputPort {
	var out []InputPort
	for _, m := range maps(p.root().List("inputPorts")) {
		out = append(out, InputPort{Name: m.String("name"), Version: m.String("version"), ContractID: m.String("contractId"), Tags: stringList(m.List("tags"))})
	}
	return out
}

// OutputPorts returns the output ports.
func (p *Product) OutputPorts() []OutputPort {
	var out []OutputPort
	for _, m := range maps(p.root().List("outputPorts")) {
		op := OutputPort{
			Name: m.String("name"), Version: m.String("version"), Description: m.String("description"),
			Type: m.String("type"), ContractID: m.String("contractId"), Tags: stringList(m.List("tags")),
			CustomProperties: bitol.CustomProperties(m.List("customProperties")),
		}
		for _, ic := range maps(m.List("inputContracts")) {
			op.InputContracts = append(op.InputContracts, InputContract{ID: ic.String("id"), Version: ic.String("version")})
		}
		out = append(out, op)
	}
	return out
}

// CustomProperties are the top-level custom properties.
func (p *Product) CustomProperties() []bitol.CustomProperty {
	return bitol.CustomProperties(p.root().List("customProperties"))
}

// Line is the line of a path in the parsed document (0 when built).
func (p *Product) Line(path string) int { return p.doc.Line(path) }

// Document returns a copy of the whole document as plain values.
func (p *Product) Document() map[string]any {
	m, _ := bitol.Plain(p.root()).(map[string]any)
	return m
}

func maps(list []any) []*bitol.Map {
	var out []*bitol.Map
	for _, v := range list {
		if m, ok := v.(*bitol.Map); ok {
			out = append(out, m)
		}
	}
	return out
}

func stringList(list []any) []string {
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
