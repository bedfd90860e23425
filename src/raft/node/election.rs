//! Elections (§5.2, §5.4.1): timeouts, votes and their refusals, becoming
//! candidate, leader or follower, the promise behind leader stickiness and
//! leases (§6, thesis §4.2.3, §6.4.1), and leadership transfer (thesis §3.10).

use super::*;

impl Node {
    pub(super) fn handle_request_vote(
        &mut self,
        from: NodeId,
        term: Term,
        last_index: LogIndex,
        last_term: Term,
        pre_vote: bool,
        transfer: bool,
    ) {
        let ours = self.disk.term;
        let log_ok = self.disk.log.is_up_to_date(last_term, last_index);
        let restriction_rule = if self.config.faults.no_election_restriction {
            Rule::Fault(Fault::NoElectionRestriction)
        } else {
            Rule::Election
        };
        let never_joined = self.disk.log.last_index() == 0 && self.membership.voters.is_empty();
        let refusal = if never_joined {
            Some(VoteRefusal::NeverJoined)
        } else if pre_vote {
            if term <= ours {
                Some(VoteRefusal::StaleTerm { ours })
            } else {
                self.leader_alive(true, transfer)
                    .map(|leader| VoteRefusal::LeaderAlive { leader })
            }
        } else {
            match self.disk.voted_for {
                Some(v) if v != from => Some(VoteRefusal::AlreadyVoted { for_node: v }),
                Some(_) => None,
                // The promise holds at any term: a node may have learned the
                // candidate's term from another message, such as the answer
                // to a long-delayed one, before its vote request arrives.
                None => self
                    .leader_alive(false, transfer)
                    .filter(|leader| *leader != Some(from))
                    .map(|leader| VoteRefusal::LeaderAlive { leader })
                    .or_else(|| {
                        // This term already has a leader: no one else can
                        // win it (§5.2), and a server that lost its disk
                        // must not vote a second time in it.
                        self.leader
                            .filter(|leader| *leader != from)
                            .map(|leader| VoteRefusal::FollowsLeader { leader })
                    }),
            }
        };
        let refusal = refusal.or_else(|| {
            (!log_ok && !self.config.faults.no_election_restriction).then(|| {
                VoteRefusal::LogNotUpToDate {
                    their_last_term: last_term,
                    their_last_index: last_index,
                    our_last_term: self.disk.log.last_term(),
                    our_last_index: self.disk.log.last_index(),
                }
            })
        });
        match refusal {
            Some(reason) => {
                self.emit(Event::VoteRefused {
                    candidate: from,
                    term,
                    pre_vote,
                    reason,
                });
                self.send(
                    from,
                    Message::VoteResponse {
                        term: ours,
                        granted: false,
                        pre_vote,
                    },
                );
            }
            None => {
                let rule = if !log_ok {
                    restriction_rule
                } else if pre_vote {
                    Rule::PreVote
                } else {
                    Rule::Election
                };
                if !pre_vote {
                    self.disk.voted_for = Some(from);
                    self.reset_election_timer();
                }
                self.emit(Event::VoteGranted {
                    candidate: from,
                    term,
                    pre_vote,
                    rule,
                });
                self.send(
                    from,
                    Message::VoteResponse {
                        term,
                        granted: true,
                        pre_vote,
                    },
                );
            }
        }
    }

    pub(super) fn handle_vote_response(
        &mut self,
        from: NodeId,
        term: Term,
        granted: bool,
        pre_vote: bool,
    ) {
        let expected = if pre_vote {
            self.role == Role::PreCandidate && term == self.disk.term + 1
        } else {
            self.role == Role::Candidate && term == self.disk.term
        };
        if !expected {
            return;
        }
        self.votes.insert(from, granted);
        if self.has_vote_quorum() {
            if pre_vote {
                self.start_election(Campaign::Election);
            } else {
                self.become_leader();
            }
        }
    }

    pub(super) fn has_vote_quorum(&self) -> bool {
        let yes: SortedSet<NodeId> = self
            .votes
            .iter()
            .filter(|(_, g)| **g)
            .map(|(id, _)| *id)
            .collect();
        self.membership.has_quorum(&yes)
    }

    /// An operator asks the leader to hand leadership to `target`: the leader
    /// stops taking requests, brings the target up to date and sends it
    /// TimeoutNow (thesis §3.10).
    pub fn transfer_leadership(&mut self, now: Time, target: NodeId) -> Result<(), Refusal> {
        self.advance(now);
        self.check_can_propose()?;
        if target == self.id {
            return Err(Refusal::AlreadyLeader);
        }
        if !self.membership.is_voter(target) {
            return Err(Refusal::NotAMember(target));
        }
        self.transfer = Some(Transfer {
            target,
            deadline: now.plus(self.config.election_timeout_max_us),
            timeout_now_sent: false,
        });
        // A transfer lets the target bypass leader stickiness, so this
        // leader's lease can no longer be trusted in this term.
        self.lease_transferred = true;
        self.emit(Event::TransferStarted { target });
        let caught_up = self
            .progress
            .get(&target)
            .is_some_and(|p| p.matched == self.disk.log.last_index());
        if !caught_up {
            // Probe at once: entries sent earlier may have been lost.
            self.send_append(target);
        }
        self.continue_replication(target);
        Ok(())
    }

    /// The election timer fired (or an operator forced it): campaign, with
    /// a pre-vote first when Pre-Vote is on.
    pub(super) fn election_timeout_fired(&mut self, forced: bool) {
        self.emit(Event::ElectionTimeout {
            term: self.disk.term,
            forced,
        });
        self.start_election(if self.config.pre_vote {
            Campaign::PreVote
        } else {
            Campaign::Election
        });
    }

    pub(super) fn start_election(&mut self, campaign: Campaign) {
        let transfer = campaign == Campaign::Transfer;
        let voters: Vec<NodeId> = self.voters_except_self();
        self.votes.clear();
        self.votes.insert(self.id, true);
        self.leader = None;
        if campaign == Campaign::PreVote {
            self.role = Role::PreCandidate;
            let term = self.disk.term + 1;
            self.emit(Event::BecamePreCandidate { term });
            self.reset_election_timer();
            self.ask_for_votes(&voters, term, true, false);
            if self.has_vote_quorum() {
                self.start_election(Campaign::Election);
            }
            return;
        }
        self.disk.term += 1;
        self.disk.voted_for = Some(self.id);
        self.role = Role::Candidate;
        self.clear_leader_state();
        let term = self.disk.term;
        self.emit(Event::BecameCandidate { term, transfer });
        self.reset_election_timer();
        self.ask_for_votes(&voters, term, false, transfer);
        if self.has_vote_quorum() {
            self.become_leader();
        }
    }

    /// Asks every voter in `voters` for its vote in `term` (a pre-vote for
    /// `term`, which is then not yet this node's, when `pre_vote`), with
    /// this node's last log entry for the election restriction (§5.4.1).
    fn ask_for_votes(&mut self, voters: &[NodeId], term: Term, pre_vote: bool, transfer: bool) {
        let (last_log_index, last_log_term) =
            (self.disk.log.last_index(), self.disk.log.last_term());
        for &peer in voters {
            self.send(
                peer,
                Message::RequestVote {
                    term,
                    last_log_index,
                    last_log_term,
                    pre_vote,
                    transfer,
                },
            );
        }
    }

    pub(super) fn become_leader(&mut self) {
        let term = self.disk.term;
        let votes: Vec<NodeId> = self
            .votes
            .iter()
            .filter(|(_, g)| **g)
            .map(|(id, _)| *id)
            .collect();
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.election_deadline = Time::NEVER;
        self.round = 0;
        self.round_sent_at.clear();
        self.quorum_round = 0;
        self.quorum_contact_at = self.now;
        self.promise = Some((self.id, self.now));
        self.lease_until = Time::ZERO;
        self.lease_min_round = 0;
        self.lease_settings_changed = false;
        self.lease_transferred = false;
        self.last_deferred_commit = 0;
        self.progress.clear();
        self.sync_progress();
        self.emit(Event::BecameLeader { term, votes });
        // A no-op lets the leader commit in its term and learn the commit
        // index, which ReadIndex and membership changes depend on (§8).
        self.term_start_index = self.leader_append(Payload::Noop);
        self.broadcast_round();
        self.maybe_commit();
    }

    /// Adopts a newer term seen in a message from `from` (§5.1).
    pub(super) fn adopt_term(&mut self, term: Term, from: NodeId, leader: Option<NodeId>) {
        let old = self.disk.term;
        self.emit(Event::TermAdvanced {
            from_term: old,
            to_term: term,
            seen_from: from,
        });
        self.disk.term = term;
        self.disk.voted_for = None;
        if self.role != Role::Follower || leader.is_some() || self.leader.is_some() {
            self.become_follower(term, leader, FollowReason::HigherTerm { from });
        }
    }

    pub(super) fn become_follower(
        &mut self,
        term: Term,
        leader: Option<NodeId>,
        reason: FollowReason,
    ) {
        let was_leader = self.role == Role::Leader;
        self.role = Role::Follower;
        self.leader = leader;
        if was_leader {
            for (_, (request, _)) in std::mem::take(&mut self.pending_writes) {
                self.out_replies.push_back(ClientReply {
                    request,
                    answer: Answer::Uncertain(Uncertain::LostLeadership),
                });
            }
            for read in std::mem::take(&mut self.pending_reads) {
                self.refuse(
                    read.request,
                    Refusal::NotLeader {
                        leader_hint: leader,
                    },
                );
            }
        }
        self.clear_leader_state();
        self.reset_election_timer();
        self.emit(Event::BecameFollower {
            term,
            leader,
            reason,
        });
    }

    pub(super) fn clear_leader_state(&mut self) {
        self.progress.clear();
        self.transfer = None;
        self.heartbeat_deadline = Time::NEVER;
        self.lease_until = Time::ZERO;
        self.term_start_index = LogIndex::MAX;
    }

    /// Who leads, if this node acknowledged a leader within the minimum
    /// election timeout: then vote requests are ignored (§6 and thesis
    /// §4.2.3, with leader stickiness or CheckQuorum) and pre-votes refused
    /// (thesis §9.6). The promise holds
    /// whatever the node has learned since (a higher term, an election of
    /// its own): it is what a leader's lease counts on (thesis §6.4.1). A
    /// transfer's request overrides it (thesis §3.10), and the old leader
    /// gives up its lease for that. `Some(None)`: the node restarted too
    /// recently to know.
    pub(super) fn leader_alive(&self, pre_vote: bool, transfer: bool) -> Option<Option<NodeId>> {
        if transfer || !(pre_vote || self.config.sticky()) {
            return None;
        }
        if let Some((leader, _)) = self.promise_running() {
            return Some(Some(leader));
        }
        (self.config.check_quorum && self.now < self.votes_blocked_until).then_some(None)
    }

    /// The promise, with when it ends, if it has not ended yet.
    pub(super) fn promise_running(&self) -> Option<(NodeId, Time)> {
        self.promise
            .map(|(leader, at)| (leader, at.plus(self.config.election_timeout_min_us)))
            .filter(|(_, until)| self.now < *until)
    }

    /// With CheckQuorum, the leader this node promised not to act against
    /// and when the promise ends, if it still runs (see [`Node::promise`]).
    pub(super) fn promised_until(&self) -> Option<(Option<NodeId>, Time)> {
        if !self.config.check_quorum {
            return None;
        }
        let by_contact = self
            .promise_running()
            .map(|(leader, until)| (Some(leader), until));
        let by_restart =
            (self.now < self.votes_blocked_until).then_some((None, self.votes_blocked_until));
        match (by_contact, by_restart) {
            (Some(a), Some(b)) => Some(if b.1 > a.1 { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// `leader` sent AppendEntries or a snapshot in our term: follow it.
    /// Returns `false` if this node leads the same term itself, which only a
    /// safety violation can cause; then one leader must not overwrite the
    /// other (the checkers report it).
    pub(super) fn accept_leader(&mut self, leader: NodeId) -> bool {
        if self.role == Role::Leader {
            return false;
        }
        if self.role != Role::Follower {
            let term = self.disk.term;
            self.become_follower(
                term,
                Some(leader),
                FollowReason::LeaderDiscovered { leader },
            );
        }
        self.note_leader_contact(leader);
        true
    }

    pub(super) fn note_leader_contact(&mut self, leader: NodeId) {
        self.leader = Some(leader);
        self.promise = Some((leader, self.now));
        self.reset_election_timer();
    }

    pub(super) fn reset_election_timer(&mut self) {
        let (min, max) = (
            self.config.election_timeout_min_us,
            self.config.election_timeout_max_us,
        );
        let timeout = if self.config.faults.fixed_timeouts {
            min
        } else {
            self.rng.range_inclusive(min, max)
        };
        self.election_deadline = self.now.plus(timeout);
    }
}
