package models

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Tally is where a proposal stands: which domains vote (those owning at
// least one product), how many approvals adopt it, and the votes so far.
type Tally struct {
	Eligible  []Domain
	Needed    int
	Approvals int
	Rejects   int
	// Pending are the eligible domains that have not voted.
	Pending []Domain
}

// Decided says whether the tally adopts (1), rejects (-1) or neither (0).
func (t Tally) Decided() int {
	switch {
	case t.Approvals >= t.Needed:
		return 1
	case t.Approvals+len(t.Pending) < t.Needed:
		return -1
	}
	return 0
}

// tally counts prop's votes against the quorum.
func (s *Store) tally(tx *gorm.DB, prop *PolicyProposal) (Tally, error) {
	var t Tally
	err := tx.Where("status = ? AND id IN (SELECT domain_id FROM products)", DomainActive).Order("name").Find(&t.Eligible).Error
	if err != nil {
		return t, err
	}
	// More than the share: the next whole number above quorum × domains.
	// The epsilon keeps 0.58 × 50 (28.999999999999996 in floating point)
	// from needing only 29, which is not more than 58%.
	t.Needed = max(1, int(math.Floor(s.quorum*float64(len(t.Eligible))+1e-9))+1)
	votes := map[uint]bool{}
	for _, v := range prop.Votes {
		votes[v.DomainID] = v.Approve
	}
	for _, d := range t.Eligible {
		approve, voted := votes[d.ID]
		switch {
		case !voted:
			t.Pending = append(t.Pending, d)
		case approve:
			t.Approvals++
		default:
			t.Rejects++
		}
	}
	return t, nil
}

// ProposalTally is where proposal id stands.
func (s *Store) ProposalTally(ctx context.Context, id uint) (Tally, error) {
	tx := s.db.WithContext(ctx)
	prop, err := getProposal(tx, id)
	if err != nil {
		return Tally{}, err
	}
	t, err := s.tally(tx, prop)
	return t, internal("tally", err)
}

func getProposal(tx *gorm.DB, id uint) (*PolicyProposal, error) {
	var prop PolicyProposal
	err := tx.Preload("Votes", func(db *gorm.DB) *gorm.DB { return db.Order("created_at") }).Preload("Votes.Domain").
		Preload("Policy").Preload("Policy.Domain").Take(&prop, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, Errorf(ENOTFOUND, "There is no proposal %d.", id)
	}
	return &prop, err
}

// VoteInput is a representative's vote.
type VoteInput struct {
	Approve *bool  `json:"approve"`
	Comment string `json:"comment"`
}

// Vote records p's vote on proposal id for every eligible domain p
// represents, then adopts or rejects the proposal when the tally decides
// it, all in one transaction.
func (s *Store) Vote(ctx context.Context, p Principal, id uint, in VoteInput) (*PolicyProposal, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	errs := FieldErrors{}
	if in.Approve == nil {
		errs.Add("approve", "Vote approve (true) or reject (false).")
	}
	validateMaxLen(errs, "comment", in.Comment, 2000)
	if in.Approve != nil && !*in.Approve && in.Comment == "" {
		errs.Add("comment", "Say why you reject it, so the proposer can answer.")
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	var prop *PolicyProposal
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		if prop, err = getProposal(tx, id); err != nil {
			return err
		}
		if prop.State != ProposalOpen {
			return Errorf(ECONFLICT, "This proposal is %s; votes are closed.", prop.State)
		}
		if p.ReadOnly {
			return Errorf(EFORBIDDEN, "This token may only read.")
		}
		t, err := s.tally(tx, prop)
		if err != nil {
			return err
		}
		var mine []Domain
		for _, d := range t.Eligible {
			if p.Represents(&d) {
				mine = append(mine, d)
			}
		}
		if len(mine) == 0 {
			return Errorf(EFORBIDDEN, "Only the representatives of domains that own products vote on global policies, and you represent none.")
		}
		for _, d := range mine {
			v := PolicyVote{ProposalID: prop.ID, DomainID: d.ID, Voter: truncate(p.Label(), 299), Approve: *in.Approve, Comment: in.Comment, CreatedAt: s.now()}
			err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "proposal_id"}, {Name: "domain_id"}},
				DoUpdates: clause.AssignmentColumns([]string{"voter", "approve", "comment", "created_at"}),
			}).Omit(clause.Associations).Create(&v).Error
			if err != nil {
				return err
			}
			verb := "approved"
			if !*in.Approve {
				verb = "rejected"
			}
			if err := s.audit(tx, p, "voted", "policy", prop.PolicyID, prop.Policy.Key,
				nil, map[string]string{"proposal": itoa(prop.ID), "domain": d.Slug, "vote": verb, "comment": in.Comment}); err != nil {
				return err
			}
		}
		if prop, err = getProposal(tx, id); err != nil {
			return err
		}
		if t, err = s.tally(tx, prop); err != nil {
			return err
		}
		switch t.Decided() {
		case 1:
			return s.closeProposal(tx, p, prop, true, false)
		case -1:
			return s.closeProposal(tx, p, prop, false, false)
		}
		return nil
	})
	return prop, internal("vote", err)
}

// DecideProposal lets an admin adopt or reject a proposal without waiting
// for the quorum; it is recorded as a direct decision.
func (s *Store) DecideProposal(ctx context.Context, p Principal, id uint, adopt bool) (*PolicyProposal, error) {
	var prop *PolicyProposal
	err := s.writeCatalog(ctx, func(tx *gorm.DB) error {
		var err error
		if prop, err = getProposal(tx, id); err != nil {
			return err
		}
		if !p.Admin || p.ReadOnly {
			return Errorf(EFORBIDDEN, "Only an admin can decide a proposal without the quorum.")
		}
		if prop.State != ProposalOpen {
			return Errorf(ECONFLICT, "This proposal is already %s.", prop.State)
		}
		return s.closeProposal(tx, p, prop, adopt, true)
	})
	return prop, internal("decide proposal", err)
}

// closeProposal adopts or rejects prop and applies what it proposed.
func (s *Store) closeProposal(tx *gorm.DB, p Principal, prop *PolicyProposal, adopt, direct bool) error {
	now := s.now()
	state := ProposalRejected
	if adopt {
		state = ProposalAdopted
	}
	decidedBy := "the domains' vote"
	if direct {
		decidedBy = truncate(p.Label(), 299)
	}
	err := tx.Model(prop).Omit(clause.Associations).Updates(map[string]any{"state": state, "decided_at": now, "decided_by": decidedBy, "direct": direct}).Error
	if err != nil {
		return err
	}
	prop.State, prop.DecidedAt, prop.DecidedBy, prop.Direct = state, &now, decidedBy, direct
	pol := prop.Policy
	if !adopt {
		if pol.State == PolicyProposed {
			if err := tx.Model(pol).Omit(clause.Associations).Update("state", PolicyRejected).Error; err != nil {
				return err
			}
			if err := indexPolicies(tx, now, []uint{pol.ID}); err != nil {
				return err
			}
		}
		return s.audit(tx, p, "proposal rejected", "policy", pol.ID, pol.Key, nil, map[string]string{"proposal": itoa(prop.ID), "decided by": decidedBy})
	}
	if prop.Action == ActionRetire {
		return s.retire(tx, p, pol)
	}
	return s.adopt(tx, p, pol, prop.Spec, prop, direct)
}

func itoa(n uint) string { return strconv.FormatUint(uint64(n), 10) }
