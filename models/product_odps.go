package models

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/meshport/meshport/models/bitol"
	"github.com/meshport/meshport/models/odps"
	"gorm.io/gorm"
)

// How meshport's product fields travel in ODPS: the description's purpose
// is the product's purpose, its usage the product's description; the owner
// is the team member whose role is owner; classification, personal data
// and the freshness SLA are custom properties; each output port keeps its
// location and crawled source as the port's custom properties and names
// its contract's id and version.
const (
	odpsClassification = "classification"
	odpsContainsPII    = "containsPii"
	odpsFreshnessSLA   = "freshnessSla"
	odpsLocation       = "location"
	odpsSource         = "source"
	odpsOwnerRole      = "owner"
	// odpsNoContractVersion is the version of a port without a contract:
	// ODPS requires one.
	odpsNoContractVersion = "0.0.0"
)

// ProductODPS is the product as an ODPS v1.0.0 document.
func (s *Store) ProductODPS(ctx context.Context, domainSlug, slug string) (*odps.Product, error) {
	tx := s.db.WithContext(ctx)
	p, err := getProduct(tx, domainSlug, slug)
	if err != nil {
		return nil, err
	}
	var contracts []Contract
	if err := tx.Select("port_name, document_id, version").Where("product_id = ?", p.ID).Find(&contracts).Error; err != nil {
		return nil, internal("list contracts", err)
	}
	byPort := map[string]Contract{}
	for _, c := range contracts {
		byPort[strings.ToLower(c.PortName)] = c
	}
	b := odps.Builder{ID: p.Domain.Slug + "." + p.Slug, Name: p.Name, Status: p.Status, Domain: p.Domain.Slug,
		Description: odps.Description{Purpose: p.Purpose, Usage: p.Description}, Tags: []string(p.Tags), Created: p.CreatedAt,
		Team: &odps.Team{Name: p.Domain.Name, Members: []odps.Member{{Username: p.Owner, Role: odpsOwnerRole}}},
		CustomProperties: []bitol.CustomProperty{{Property: odpsClassification, Value: p.Classification},
			{Property: odpsContainsPII, Value: p.ContainsPII}}}
	if p.FreshnessSLA > 0 {
		b.CustomProperties = append(b.CustomProperties, bitol.CustomProperty{Property: odpsFreshnessSLA, Value: p.FreshnessSLA.String()})
	}
	for _, port := range p.OutputPorts {
		op := odps.OutputPort{Name: port.Name, Type: port.Type, Version: odpsNoContractVersion,
			CustomProperties: []bitol.CustomProperty{{Property: odpsLocation, Value: port.Location}}}
		if port.Source != nil {
			op.CustomProperties = append(op.CustomProperties, bitol.CustomProperty{Property: odpsSource, Value: port.Source.Slug})
		}
		if c, ok := byPort[strings.ToLower(port.Name)]; ok {
			op.ContractID, op.Version = c.DocumentID, c.Version
		}
		b.OutputPorts = append(b.OutputPorts, op)
	}
	return odps.Build(b), nil
}

// ODPSFile is one ODPS document to apply, with the name it is reported by.
type ODPSFile struct {
	Name string
	Data []byte
}

// ODPSApplied is what applying one document did (or would do).
type ODPSApplied struct {
	File     string   `json:"file"`
	Domain   string   `json:"domain"`
	Product  string   `json:"product"`
	Action   string   `json:"action"` // created, updated
	Warnings []string `json:"warnings,omitempty"`
}

// errDryRun rolls a dry run back after everything was checked.
var errDryRun = errors.New("dry run")

// ApplyODPS creates or updates one product per document, all or none: a
// document that does not parse, does not validate, or whose product the
// store refuses fails the whole set, named by its file, and nothing is
// written. A dry run checks everything and writes nothing.
func (s *Store) ApplyODPS(ctx context.Context, p Principal, files []ODPSFile, dryRun bool) ([]ODPSApplied, error) {
	type planned struct {
		file     string
		in       ProductInput
		warnings []string
		present  map[string]bool // meshport's custom properties the document gives
	}
	var plan []planned
	var problems []string
	fields := FieldErrors{}
	code := EINVALID // a file that is not a document, or too large, decides
	for _, f := range files {
		doc, err := odps.Parse(f.Data)
		if err != nil {
			derr := documentError("product", err)
			switch c := ErrorCode(derr); {
			case c == ETOOLARGE, c == EBADREQUEST && code != ETOOLARGE:
				code = c
			}
			problems = append(problems, f.Name+": "+strings.TrimPrefix(ErrorMessage(derr), "The product is not valid: "))
			for k, v := range ErrorFields(derr) {
				fields[f.Name+": "+k] = v
			}
			continue
		}
		in, warnings, present, errs := productInputOf(doc)
		if len(errs) > 0 {
			for _, k := range sortedKeys(errs) {
				problems = append(problems, f.Name+": "+k+": "+errs[k])
				fields[f.Name+": "+k] = errs[k]
			}
			continue
		}
		plan = append(plan, planned{file: f.Name, in: in, warnings: warnings, present: present})
	}
	if len(problems) > 0 {
		return nil, &Error{Code: code, Message: "Nothing was applied: " + strings.Join(problems, "; "), Fields: fields}
	}
	seen := map[string]string{}
	for _, pl := range plan {
		key := pl.in.Domain + "/" + pl.in.Slug
		if other, ok := seen[key]; ok {
			return nil, Errorf(EINVALID, "Nothing was applied: %s and %s both describe %s.", other, pl.file, key)
		}
		seen[key] = pl.file
	}
	var out []ODPSApplied
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		for _, pl := range plan {
			res := ODPSApplied{File: pl.file, Domain: pl.in.Domain, Product: pl.in.Slug, Warnings: pl.warnings}
			var err error
			if _, gerr := getProduct(tx, pl.in.Domain, pl.in.Slug); gerr == nil {
				res.Action = "updated"
				_, err = s.changeProductIn(tx, p, pl.in.Domain, pl.in.Slug, func(cur *Product) (ProductInput, error) {
					// What ODPS has no field for stays as it is unless given.
					in := pl.in
					if !pl.present[odpsClassification] {
						in.Classification = cur.Classification
					}
					if !pl.present[odpsContainsPII] {
						in.ContainsPII = cur.ContainsPII
					}
					if !pl.present[odpsFreshnessSLA] {
						in.FreshnessSLA = cur.Input().FreshnessSLA
					}
					return in, nil
				})
			} else if ErrorCode(gerr) == ENOTFOUND {
				res.Action = "created"
				_, err = s.createProductIn(tx, p, pl.in)
			} else {
				err = gerr
			}
			if err != nil {
				return inFile(pl.file, err)
			}
			out = append(out, res)
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		return out, nil
	}
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, slugTaken(msgProductSlugTaken)
	}
	if err != nil {
		return nil, internal("apply products", err)
	}
	return out, nil
}

// inFile names the file a store error is about, and says nothing was
// applied; internal errors stay as they are.
func inFile(file string, err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Code == EINTERNAL {
		return err
	}
	out := &Error{Code: e.Code, Message: "Nothing was applied: " + file + ": " + e.Message, Policies: e.Policies}
	if len(e.Fields) > 0 {
		out.Fields = FieldErrors{}
		keys := sortedKeys(e.Fields)
		for _, k := range keys {
			out.Fields[file+": "+k] = e.Fields[k]
		}
		out.Message += " (" + k0(keys) + ": " + e.Fields[k0(keys)] + ")"
	}
	return out
}

func k0(keys []string) string {
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// productInputOf reads an ODPS document into a product as submitted, with
// warnings for what meshport keeps elsewhere or not yet.
func productInputOf(doc *odps.Product) (ProductInput, []string, map[string]bool, FieldErrors) {
	errs := FieldErrors{}
	present := map[string]bool{}
	var warnings []string
	in := ProductInput{Name: doc.Name(), Domain: doc.Domain(), Status: doc.Status(), Tags: doc.Tags(),
		Description: doc.Description().Usage, Purpose: doc.Description().Purpose, Classification: ClassInternal}
	if in.Domain == "" {
		errs.Add("domain", "Name the meshport domain the product belongs to (domain).")
	}
	in.Slug = strings.TrimPrefix(doc.ID(), strings.ToLower(in.Domain)+".")
	if in.Slug == doc.ID() && strings.Contains(in.Slug, ".") {
		in.Slug = Slugify(in.Name)
	}
	in.Slug = strings.ToLower(in.Slug)
	switch in.Status {
	case "proposed":
		in.Status = StatusDraft
		warnings = append(warnings, "status proposed is kept as draft")
	}
	if in.Name == "" {
		in.Name = doc.ID()
	}
	for _, m := range doc.Team().Members {
		if strings.EqualFold(m.Role, odpsOwnerRole) && in.Owner == "" {
			in.Owner = m.Username
		}
	}
	if in.Owner == "" {
		if members := doc.Team().Members; len(members) > 0 {
			in.Owner = members[0].Username
			warnings = append(warnings, "no team member has the role owner; "+in.Owner+" is taken as the owner")
		}
	}
	for _, cp := range doc.CustomProperties() {
		present[cp.Property] = true
		switch cp.Property {
		case odpsClassification:
			in.Classification = fmt.Sprint(cp.Value)
		case odpsContainsPII:
			b, ok := cp.Value.(bool)
			if !ok {
				errs.Add("customProperties."+odpsContainsPII, "Give true or false.")
			}
			in.ContainsPII = b
		case odpsFreshnessSLA:
			in.FreshnessSLA = fmt.Sprint(cp.Value)
		}
	}
	for i, op := range doc.OutputPorts() {
		port := PortInput{Name: op.Name, Type: strings.ToLower(op.Type)}
		if port.Type == "tables" {
			port.Type = "table"
		}
		for _, cp := range op.CustomProperties {
			switch cp.Property {
			case odpsLocation:
				port.Location = fmt.Sprint(cp.Value)
			case odpsSource:
				port.Source = fmt.Sprint(cp.Value)
			}
		}
		if port.Location == "" {
			errs.Add(fmt.Sprintf("outputPorts[%d]", i), "Say where the data is: a custom property \"location\" (and \"source\" for a crawled source).")
		}
		in.OutputPorts = append(in.OutputPorts, port)
	}
	if n := len(doc.InputPorts()); n > 0 {
		warnings = append(warnings, fmt.Sprintf("%d input ports are not stored: meshport does not keep input ports yet", n))
	}
	in.Normalize()
	for k, v := range in.Validate() {
		if !errs.Has(k) {
			errs.Add(k, v)
		}
	}
	sort.Strings(warnings)
	return in, warnings, present, errs
}
