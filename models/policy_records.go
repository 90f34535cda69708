package models

import "time"

// Proposal states and actions.
const (
	ProposalOpen      = "open"
	ProposalAdopted   = "adopted"
	ProposalRejected  = "rejected"
	ProposalWithdrawn = "withdrawn"

	ActionCreate = "create"
	ActionChange = "change"
	ActionRetire = "retire"
)

// Waiver states.
const (
	WaiverRequested = "requested"
	WaiverApproved  = "approved"
	WaiverRejected  = "rejected"
	WaiverRevoked   = "revoked"
)

// PolicyProposal is a global policy's creation, change or retirement put to
// the domains' representatives.
type PolicyProposal struct {
	ID       uint       `gorm:"primaryKey" json:"id"`
	PolicyID uint       `gorm:"not null;index:idx_policy_proposals_policy" json:"policy_id"`
	Policy   *Policy    `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Action   string     `gorm:"size:16;not null" json:"action"`
	Spec     PolicySpec `gorm:"serializer:json;type:text;not null" json:"spec"`
	State    string     `gorm:"size:16;not null;index:idx_policy_proposals_state" json:"state"`
	Comment  string     `gorm:"size:2000;not null;default:''" json:"comment"`
	// ProposedBy is who proposed it (an audit label).
	ProposedBy string     `gorm:"size:300;not null" json:"proposed_by"`
	CreatedAt  time.Time  `json:"created_at"`
	DecidedAt  *time.Time `json:"decided_at,omitempty"`
	DecidedBy  string     `gorm:"size:300;not null;default:''" json:"decided_by,omitempty"`
	// Direct: an admin decided, not the quorum.
	Direct bool         `gorm:"not null;default:false" json:"direct"`
	Votes  []PolicyVote `gorm:"foreignKey:ProposalID" json:"votes"`
}

// PolicyVote is one domain's vote on a proposal, cast by one of its
// representatives; a later vote of the domain replaces it.
type PolicyVote struct {
	ID         uint            `gorm:"primaryKey" json:"-"`
	ProposalID uint            `gorm:"not null;uniqueIndex:idx_policy_votes_domain,priority:1" json:"-"`
	Proposal   *PolicyProposal `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	DomainID   uint            `gorm:"not null;uniqueIndex:idx_policy_votes_domain,priority:2" json:"-"`
	Domain     *Domain         `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Voter      string          `gorm:"size:300;not null" json:"voter"`
	Approve    bool            `gorm:"not null" json:"approve"`
	Comment    string          `gorm:"size:2000;not null;default:''" json:"comment"`
	CreatedAt  time.Time       `json:"at"`
}

// PolicyVersion is one adopted version of a policy, kept for its history.
type PolicyVersion struct {
	ID         uint         `gorm:"primaryKey" json:"-"`
	PolicyID   uint         `gorm:"not null;uniqueIndex:idx_policy_versions,priority:1" json:"-"`
	Policy     *Policy      `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Version    int          `gorm:"not null;uniqueIndex:idx_policy_versions,priority:2" json:"version"`
	Spec       PolicySpec   `gorm:"serializer:json;type:text;not null" json:"spec"`
	ProposalID *uint        `json:"proposal_id,omitempty"`
	AdoptedBy  string       `gorm:"size:300;not null" json:"adopted_by"`
	Direct     bool         `gorm:"not null;default:false" json:"direct"`
	Changes    AuditChanges `gorm:"type:text;not null" json:"changes"`
	AdoptedAt  time.Time    `gorm:"not null" json:"adopted_at"`
}

// PolicyResult is what a policy in force says of a product now.
type PolicyResult struct {
	PolicyID  uint      `gorm:"primaryKey;autoIncrement:false" json:"-"`
	Policy    *Policy   `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	ProductID uint      `gorm:"primaryKey;autoIncrement:false;index:idx_policy_results_product" json:"-"`
	Product   *Product  `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Outcome   string    `gorm:"size:16;not null" json:"outcome"`
	Message   string    `gorm:"type:text;not null;default:''" json:"message"`
	WaiverID  *uint     `json:"-"`
	Since     time.Time `gorm:"not null" json:"since"`
	CheckedAt time.Time `gorm:"not null" json:"checked_at"`
}

// PolicyResultEvent records a result's outcome changing, for its history.
type PolicyResultEvent struct {
	ID        uint      `gorm:"primaryKey" json:"-"`
	PolicyID  uint      `gorm:"not null;index:idx_policy_result_events,priority:1" json:"-"`
	Policy    *Policy   `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	ProductID uint      `gorm:"not null;index:idx_policy_result_events,priority:2" json:"-"`
	Product   *Product  `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Outcome   string    `gorm:"size:16;not null" json:"outcome"`
	Message   string    `gorm:"type:text;not null;default:''" json:"message"`
	At        time.Time `gorm:"not null" json:"at"`
}

// PolicyWaiver exempts one product from one policy until it expires.
type PolicyWaiver struct {
	ID           uint       `gorm:"primaryKey" json:"id"`
	PolicyID     uint       `gorm:"not null;index:idx_policy_waivers_policy" json:"-"`
	Policy       *Policy    `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	ProductID    uint       `gorm:"not null;index:idx_policy_waivers_product" json:"-"`
	Product      *Product   `gorm:"constraint:OnDelete:CASCADE" json:"-"`
	Reason       string     `gorm:"size:2000;not null" json:"reason"`
	ExpiresAt    time.Time  `gorm:"not null" json:"expires_at"`
	State        string     `gorm:"size:16;not null" json:"state"`
	RequestedBy  string     `gorm:"size:300;not null" json:"requested_by"`
	RequestedAt  time.Time  `gorm:"not null" json:"requested_at"`
	DecidedBy    string     `gorm:"size:300;not null;default:''" json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	DecisionNote string     `gorm:"size:2000;not null;default:''" json:"decision_note,omitempty"`
}

// ActiveAt reports whether the waiver exempts its product at now.
func (w *PolicyWaiver) ActiveAt(now time.Time) bool {
	return w.State == WaiverApproved && now.Before(w.ExpiresAt)
}
