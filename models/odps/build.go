package odps

import (
	"time"

	"github.com/meshport/meshport/models/bitol"
)

// Builder is what meshport knows of a data product. Empty fields are left
// out of the document, except those ODPS requires (id, status, the name,
// version and contractId of input ports, the name and version of output
// ports, channel and url of support, username of members), which are
// written even when empty so that the document is always valid.
type Builder struct {
	ID          string
	Name        string
	Version     string
	Status      string // "" writes draft
	Domain      string
	Tenant      string
	Description Description
	Tags        []string
	// Team nil writes no team.
	Team             *Team
	Support          []Support
	InputPorts       []InputPort
	OutputPorts      []OutputPort
	CustomProperties []bitol.CustomProperty
	// Created is written as productCreatedTs (UTC) unless zero.
	Created time.Time
}

// Build returns the ODPS v1.0.0 document of b.
func Build(b Builder) *Product {
	m := bitol.NewMap()
	m.Set("apiVersion", APIVersion)
	m.Set("kind", Kind)
	m.Set("id", b.ID)
	m.SetString("name", b.Name)
	m.SetString("version", b.Version)
	status := b.Status
	if status == "" {
		status = "draft"
	}
	m.Set("status", status)
	m.SetString("domain", b.Domain)
	m.SetString("tenant", b.Tenant)
	d := bitol.NewMap()
	d.SetString("purpose", b.Description.Purpose)
	d.SetString("limitations", b.Description.Limitations)
	d.SetString("usage", b.Description.Usage)
	if d.Len() > 0 {
		m.Set("description", d)
	}
	if len(b.CustomProperties) > 0 {
		m.Set("customProperties", bitol.CustomPropertyList(b.CustomProperties))
	}
	setTags(m, b.Tags)
	if len(b.InputPorts) > 0 {
		list := make([]any, 0, len(b.InputPorts))
		for _, ip := range b.InputPorts {
			pm := bitol.NewMap()
			pm.Set("name", ip.Name)
			pm.Set("version", ip.Version)
			pm.Set("contractId", ip.ContractID)
			setTags(pm, ip.Tags)
			list = append(list, pm)
		}
		m.Set("inputPorts", list)
	}
	if len(b.OutputPorts) > 0 {
		list := make([]any, 0, len(b.OutputPorts))
		for _, op := range b.OutputPorts {
			pm := bitol.NewMap()
			pm.Set("name", op.Name)
			pm.SetString("description", op.Description)
			pm.SetString("type", op.Type)
			pm.Set("version", op.Version)
			pm.SetString("contractId", op.ContractID)
			if len(op.InputContracts) > 0 {
				ics := make([]any, 0, len(op.InputContracts))
				for _, ic := range op.InputContracts {
					im := bitol.NewMap()
					im.Set("id", ic.ID)
					im.Set("version", ic.Version)
					ics = append(ics, im)
				}
				pm.Set("inputContracts", ics)
			}
			setTags(pm, op.Tags)
			if len(op.CustomProperties) > 0 {
				pm.Set("customProperties", bitol.CustomPropertyList(op.CustomProperties))
			}
			list = append(list, pm)
		}
		m.Set("outputPorts", list)
	}
	if len(b.Support) > 0 {
		list := make([]any, 0, len(b.Support))
		for _, s := range b.Support {
			sm := bitol.NewMap()
			sm.Set("channel", s.Channel)
			sm.Set("url", s.URL)
			sm.SetString("description", s.Description)
			sm.SetString("tool", s.Tool)
			sm.SetString("scope", s.Scope)
			list = append(list, sm)
		}
		m.Set("support", list)
	}
	if b.Team != nil {
		tm := bitol.NewMap()
		tm.SetString("name", b.Team.Name)
		tm.SetString("description", b.Team.Description)
		if len(b.Team.Members) > 0 {
			list := make([]any, 0, len(b.Team.Members))
			for _, mem := range b.Team.Members {
				mm := bitol.NewMap()
				mm.Set("username", mem.Username)
				mm.SetString("name", mem.Name)
				mm.SetString("description", mem.Description)
				mm.SetString("role", mem.Role)
				mm.SetString("dateIn", mem.DateIn)
				mm.SetString("dateOut", mem.DateOut)
				list = append(list, mm)
			}
			tm.Set("members", list)
		}
		m.Set("team", tm)
	}
	if !b.Created.IsZero() {
		m.Set("productCreatedTs", b.Created.UTC().Format(time.RFC3339))
	}
	return &Product{doc: bitol.NewDoc(m)}
}

func setTags(m *bitol.Map, tags []string) {
	if len(tags) == 0 {
		return
	}
	list := make([]any, len(tags))
	for i, t := range tags {
		list[i] = t
	}
	m.Set("tags", list)
}
