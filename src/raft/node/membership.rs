//! Membership changes (§6, thesis §4): joint consensus and single-server
//! changes, learners and their promotion, and the configuration in effect.

use super::*;

impl Node {
    /// An operator asks for a membership change. Returns the index of the
    /// configuration entry appended (§6, thesis §4.1). Every accepted change
    /// appends one, so the request is replicated and survives a change of
    /// leader; a refused one changes nothing.
    pub fn change_membership(
        &mut self,
        now: Time,
        change: ConfChange,
    ) -> Result<LogIndex, Refusal> {
        self.advance(now);
        self.check_can_propose()?;
        let naive = self.config.faults.naive_membership;
        if self.membership_index > self.commit || self.membership.is_joint() {
            return Err(Refusal::ConfigChangePending);
        }
        if !self.committed_in_term() {
            return Err(Refusal::NoCommitInTerm);
        }
        let current = self.membership.clone();
        let mut next = current.clone();
        match &change {
            ConfChange::AddLearner(id) => {
                if current.is_member(*id) {
                    return Err(Refusal::AlreadyMember(*id));
                }
                next.learners.insert(*id);
            }
            ConfChange::PromoteLearner(id) => {
                if !current.is_learner(*id) {
                    return Err(Refusal::NotAMember(*id));
                }
                if !self.caught_up(*id) {
                    return Err(Refusal::NotCaughtUp(*id));
                }
                next.promote(*id);
            }
            ConfChange::AddVoter(id) => {
                if current.is_voter(*id) {
                    return Err(Refusal::AlreadyMember(*id));
                }
                if current.promoting.contains(id) {
                    return Err(Refusal::AlreadyPromoting(*id));
                }
                if current.is_learner(*id) && self.caught_up(*id) {
                    next.promote(*id);
                } else {
                    // It catches up as a learner first. The request is part
                    // of the replicated configuration, so whichever server
                    // leads when it has caught up promotes it.
                    next.learners.insert(*id);
                    next.promoting.insert(*id);
                }
            }
            ConfChange::Remove(id) => {
                if !current.is_member(*id) {
                    return Err(Refusal::NotAMember(*id));
                }
                next.voters.remove(id);
                next.learners.remove(id);
                next.promoting.remove(id);
                if next.voters.is_empty() {
                    return Err(Refusal::NoVotersLeft);
                }
            }
            ConfChange::Joint { voters, learners } => {
                if voters.is_empty() {
                    return Err(Refusal::NoVotersLeft);
                }
                let learners: SortedSet<NodeId> = learners.difference(voters).copied().collect();
                if *voters == current.voters && learners == current.learners {
                    return Err(Refusal::NoChange);
                }
                // A blank new voter could not vote (it has never joined), so
                // a leader crash could leave C_new without a majority.
                if let Some(newcomer) = voters.iter().find(|id| {
                    let ready = current.is_voter(**id)
                        || (current.is_learner(**id) && self.caught_up(**id));
                    !ready
                }) {
                    return Err(Refusal::NotCaughtUp(*newcomer));
                }
                next = Configuration {
                    voters: voters.clone(),
                    // `naive-membership` skips C_old,new and switches at once.
                    outgoing: if naive {
                        SortedSet::new()
                    } else {
                        current.voters.clone()
                    },
                    promoting: current.promoting.intersection(&learners).copied().collect(),
                    learners,
                };
            }
        }
        let index = self.leader_append(Payload::Config(next));
        self.refresh_membership(None);
        self.replicate_to_all();
        self.maybe_commit();
        Ok(index)
    }

    /// Membership steps that wait for a commit: finish a joint change with
    /// C_new (§6), step down when removed (§6), promote caught-up learners.
    pub(super) fn after_commit_as_leader(&mut self) {
        if self.role != Role::Leader || self.membership_index > self.commit {
            self.fix_read_indexes();
            self.serve_ready_reads();
            return;
        }
        if self.membership.is_joint() {
            let next = Configuration {
                outgoing: SortedSet::new(),
                ..self.membership.clone()
            };
            self.leader_append(Payload::Config(next));
            self.refresh_membership(None);
            self.replicate_to_all();
            self.maybe_commit();
            return;
        }
        if !self.membership.is_voter(self.id) {
            let term = self.disk.term;
            self.become_follower(term, None, FollowReason::RemovedFromConfig);
            return;
        }
        self.fix_read_indexes();
        self.serve_ready_reads();
        self.promote_caught_up_learners();
    }

    /// Promotes a learner marked for promotion once it holds everything
    /// committed: one server at a time, after a commit in this leader's
    /// term (thesis §4.1), and only with no other change pending.
    pub(super) fn promote_caught_up_learners(&mut self) {
        if !self.committed_in_term()
            || self.membership_index > self.commit
            || self.membership.is_joint()
            || self.transfer.is_some()
        {
            return;
        }
        let ready = self
            .membership
            .promoting
            .iter()
            .copied()
            .find(|id| self.membership.is_learner(*id) && self.caught_up(*id));
        if let Some(id) = ready {
            let mut next = self.membership.clone();
            next.promote(id);
            self.leader_append(Payload::Config(next));
            self.refresh_membership(None);
            self.replicate_to_all();
            self.maybe_commit();
        }
    }

    /// Re-reads the configuration from the log after it changed (§6: a node
    /// uses the latest configuration in its log, committed or not). `cause`
    /// names the rule when the log changed by truncation or a snapshot;
    /// `None` after an append, when the entries appended tell the rule.
    pub(super) fn refresh_membership(&mut self, cause: Option<Rule>) {
        let (index, config) = self.disk.log.latest_config();
        if index == self.membership_index && *config == self.membership {
            return;
        }
        let config = config.clone();
        let rule = cause.unwrap_or_else(|| self.appended_change_rule(index));
        self.membership_index = index;
        self.membership = config.clone();
        self.emit(Event::ConfigChanged {
            index,
            config: Box::new(config),
            rule,
        });
        self.sync_progress();
    }

    /// The rule behind the configuration entries after the one in effect,
    /// up to `to`. A follower may receive several at once (C_old,new with
    /// C_new, or two one-server changes): each step is classified, and the
    /// most telling one names the change.
    pub(super) fn appended_change_rule(&self, to: LogIndex) -> Rule {
        let rank = |rule: Rule| match rule {
            Rule::Fault(_) => 3,
            Rule::JointConsensus => 2,
            Rule::SingleServerChange => 1,
            _ => 0,
        };
        let mut previous = &self.membership;
        let mut rule = Rule::Learners;
        for i in self.membership_index + 1..=to {
            if let Some(Payload::Config(next)) = self.disk.log.entry(i).map(|e| &*e.payload) {
                let step = change_rule(previous, next);
                if rank(step) > rank(rule) {
                    rule = step;
                }
                previous = next;
            }
        }
        rule
    }

    /// Whether a member's log holds everything this leader has committed.
    pub(super) fn caught_up(&self, id: NodeId) -> bool {
        self.progress
            .get(&id)
            .is_some_and(|p| p.matched >= self.commit)
    }

    pub(super) fn committed_in_term(&self) -> bool {
        self.role == Role::Leader && self.commit >= self.term_start_index
    }
}

/// The rule a step from configuration `old` to `new` follows: joint
/// consensus (§6) when either is joint; one voter added or removed is a
/// single-server change (thesis §4.1); only learners changed is the learners
/// rule (thesis §4.2.1). Several voters at once without C_old,new is what
/// only the `naive-membership` fault does.
fn change_rule(old: &Configuration, new: &Configuration) -> Rule {
    if old.is_joint() || new.is_joint() {
        return Rule::JointConsensus;
    }
    match old.voters.symmetric_difference(&new.voters).count() {
        0 => Rule::Learners,
        1 => Rule::SingleServerChange,
        _ => Rule::Fault(Fault::NaiveMembership),
    }
}
