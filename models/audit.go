package models

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// AuditEntry records one change: who did what to which entity, and the
// fields' values before and after.
type AuditEntry struct {
	ID         uint         `gorm:"primaryKey" json:"id"`
	At         time.Time    `gorm:"not null;index:idx_audit_entity,priority:3" json:"at"`
	Actor      string       `gorm:"size:300;not null" json:"actor"`
	Action     string       `gorm:"size:32;not null" json:"action"`
	EntityType string       `gorm:"size:32;not null;index:idx_audit_entity,priority:1" json:"entity_type"`
	EntityID   uint         `gorm:"not null;index:idx_audit_entity,priority:2" json:"-"`
	EntityKey  string       `gorm:"size:200;not null" json:"entity"`
	Changes    AuditChanges `gorm:"type:text;not null" json:"changes"`
}

// AuditChange is one field's value before and after a change.
type AuditChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// AuditChanges is stored as JSON text.
type AuditChanges []AuditChange

func (c AuditChanges) Value() (driver.Value, error) {
	if c == nil {
		c = AuditChanges{}
	}
	b, err := json.Marshal([]AuditChange(c))
	return string(b), err
}

func (c *AuditChanges) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return json.Unmarshal([]byte(v), (*[]AuditChange)(c))
	case []byte:
		return json.Unmarshal(v, (*[]AuditChange)(c))
	case nil:
		*c = nil
		return nil
	}
	return fmt.Errorf("AuditChanges: cannot scan %T", src)
}

// diffFields lists the fields whose values differ, sorted by field name.
// A nil before means creation, a nil after deletion.
func diffFields(before, after map[string]string) AuditChanges {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var changes AuditChanges
	for k := range keys {
		if before[k] != after[k] {
			changes = append(changes, AuditChange{Field: k, Before: before[k], After: after[k]})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Field < changes[j].Field })
	return changes
}
