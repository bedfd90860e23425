//! Log replication (§5.3, §7): AppendEntries and snapshots in both
//! directions, the leader's view of each follower, heartbeat rounds, and
//! the commit rule (§5.4.2) with what follows a commit.

use super::*;

impl Node {
    /// A node whose log starts at index 0 with no configuration (a blank
    /// disk) takes the founding configuration the leader sent with entries
    /// from index 0. A node that has one keeps it: every founding member
    /// starts from the same one, and a later configuration is in the log.
    pub(super) fn relearn_founding_config(&mut self, founding: Configuration) {
        if self.disk.log.snapshot().last_index != 0
            || !self.disk.log.snapshot().config.members().is_empty()
            || founding.voters.is_empty()
        {
            return;
        }
        self.disk.log.set_founding_config(founding);
        self.refresh_membership(Some(Rule::LogReplication));
    }

    pub(super) fn handle_append_entries(
        &mut self,
        leader: NodeId,
        prev_index: LogIndex,
        prev_term: Term,
        entries: Vec<crate::raft::log::Entry>,
        leader_commit: LogIndex,
        round: u64,
    ) {
        let term = self.disk.term;
        if !self.accept_leader(leader) {
            return;
        }
        let snap_index = self.disk.log.snapshot().last_index;
        // Entries at or below our snapshot are committed and already here.
        let (prev_index, prev_term, entries) = if prev_index < snap_index {
            let rest: Vec<_> = entries
                .into_iter()
                .filter(|e| e.index > snap_index)
                .collect();
            (snap_index, self.disk.log.snapshot().last_term, rest)
        } else {
            (prev_index, prev_term, entries)
        };
        let reply = |node: &mut Node,
                     success: bool,
                     match_index: LogIndex,
                     rejection: Option<AppendRejection>| {
            node.send(
                leader,
                Message::AppendResponse {
                    term,
                    success,
                    match_index,
                    prev_index,
                    rejection,
                    round,
                },
            );
        };
        // The consistency check (§5.3): the entry before the new ones must
        // be in this log with the leader's term.
        let rejection = match self.disk.log.term_at(prev_index) {
            None => Some(AppendRejection::LogTooShort {
                last_index: self.disk.log.last_index(),
            }),
            Some(t) if t != prev_term => Some(AppendRejection::TermMismatch {
                term: t,
                first_index_of_term: self.disk.log.first_index_of_term_run(prev_index),
            }),
            Some(_) => None,
        };
        if let Some(rejection) = rejection {
            self.emit(Event::AppendRejected {
                leader,
                prev_index,
                prev_term,
                rejection,
            });
            reply(self, false, 0, Some(rejection));
            return;
        }
        let last_new = prev_index + entries.len() as u64;
        let mut appended: Option<(LogIndex, LogIndex)> = None;
        for (i, entry) in entries.iter().enumerate() {
            match self.disk.log.term_at(entry.index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    let removed = self.disk.log.truncate_from(entry.index);
                    let committed = entry.index <= self.commit;
                    self.emit(Event::LogTruncated {
                        from_index: entry.index,
                        removed,
                        leader,
                        committed,
                    });
                    self.refresh_membership(Some(Rule::ConsistencyCheck));
                }
                None => {}
            }
            for e in &entries[i..] {
                self.disk.log.append(e.term, e.payload.clone());
            }
            appended = Some((entry.index, last_new));
            break;
        }
        if let Some((first, last)) = appended {
            self.emit(Event::EntriesAppended {
                leader,
                first,
                last,
            });
            self.refresh_membership(None);
        }
        if leader_commit > self.commit {
            let new_commit = leader_commit.min(last_new);
            if new_commit > self.commit {
                self.commit = new_commit;
                let t = self.disk.log.term_at(new_commit).unwrap_or(0);
                self.emit(Event::Committed {
                    index: new_commit,
                    term: t,
                    quorum: Vec::new(),
                    rule: Rule::LogReplication,
                });
                self.apply_committed();
            }
        }
        reply(self, true, last_new, None);
    }

    pub(super) fn handle_append_response(
        &mut self,
        from: NodeId,
        success: bool,
        match_index: LogIndex,
        prev_index: LogIndex,
        rejection: Option<AppendRejection>,
        round: u64,
    ) {
        if self.role != Role::Leader {
            return;
        }
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        // An answer to a round newer than any it answered before: a copy or
        // a late answer from an older round says nothing about its log now.
        let newest = round > pr.acked_round;
        pr.acked_round = pr.acked_round.max(round);
        let shorter = match rejection {
            Some(AppendRejection::LogTooShort { last_index }) if last_index < pr.matched => {
                Some(last_index)
            }
            _ => None,
        };
        if let Some(last_index) = shorter
            .filter(|_| newest && !self.config.reinjected(Regression::ProbeIgnoresShorterLog))
        {
            // The follower holds less than it acknowledged: it lost its disk
            // and restarted blank, and what it acknowledged is gone, so it
            // must no longer count toward a commit. Replicate again from
            // what it has (Figure 2: on a rejection, back up and retry).
            // (A rejection the network delayed past a later success looks
            // the same; starting over is then a few entries resent: lowering
            // `matched` only ever makes the leader count less.)
            pr.matched = last_index;
            pr.next = last_index + 1;
            pr.snapshot_in_flight = None;
            self.send_append(from);
        } else if success {
            if match_index > pr.matched {
                pr.matched = match_index;
            }
            pr.next = pr.next.max(pr.matched + 1);
        } else if prev_index >= pr.matched {
            let hint = match rejection {
                Some(AppendRejection::LogTooShort { last_index }) => last_index + 1,
                Some(AppendRejection::TermMismatch {
                    term,
                    first_index_of_term,
                }) => match self.disk.log.last_index_of_term(term) {
                    Some(i) => i + 1,
                    None => first_index_of_term,
                },
                _ => pr.next,
            };
            pr.next = hint.min(prev_index).max(pr.matched + 1);
            self.send_append(from);
        }
        self.after_ack();
        if success {
            self.maybe_commit();
            self.continue_replication(from);
        }
    }

    pub(super) fn handle_install_snapshot(
        &mut self,
        leader: NodeId,
        snapshot: crate::raft::log::Snapshot,
        round: u64,
    ) {
        let term = self.disk.term;
        if !self.accept_leader(leader) {
            return;
        }
        let last_index = snapshot.last_index;
        if last_index > self.commit {
            let last_term = snapshot.last_term;
            self.kv = snapshot.kv.clone();
            self.disk.log.install_snapshot(snapshot);
            self.commit = last_index;
            self.applied = last_index;
            self.emit(Event::SnapshotInstalled {
                leader,
                last_index,
                last_term,
            });
            self.refresh_membership(Some(Rule::Snapshot));
        }
        self.send(
            leader,
            Message::SnapshotResponse {
                term,
                last_index,
                round,
            },
        );
    }

    pub(super) fn handle_snapshot_response(
        &mut self,
        from: NodeId,
        last_index: LogIndex,
        round: u64,
    ) {
        if self.role != Role::Leader {
            return;
        }
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        pr.acked_round = pr.acked_round.max(round);
        pr.matched = pr.matched.max(last_index);
        pr.next = pr.next.max(pr.matched + 1);
        pr.snapshot_in_flight = None;
        self.after_ack();
        self.maybe_commit();
        self.continue_replication(from);
    }

    pub(super) fn leader_append(&mut self, payload: Payload) -> LogIndex {
        let term = self.disk.term;
        let payload = Arc::new(payload);
        let index = self.disk.log.append(term, payload.clone());
        self.emit(Event::LeaderAppended {
            index,
            term,
            payload,
        });
        index
    }

    /// Every server this node replicates to as leader, in id order: the
    /// members of its latest configuration and, until that configuration
    /// commits, the members of the committed one before it. A server being
    /// removed so keeps receiving the log, the configuration that removes it
    /// included, and learns of its removal with the commit (see
    /// [`Node::bid_farewell`]); its acknowledgements count toward nothing.
    /// (Built without a set, since a leader asks on every heartbeat.)
    pub(super) fn peers(&self) -> Vec<NodeId> {
        let m = &self.membership;
        let leaving = (self.membership_index > self.commit)
            .then(|| self.disk.log.config_at(self.commit).1)
            .into_iter()
            .flat_map(|c| c.voters.iter().chain(&c.outgoing).chain(&c.learners));
        let mut peers: Vec<NodeId> = (m.voters.iter().chain(&m.outgoing).chain(&m.learners))
            .chain(leaving)
            .copied()
            .filter(|id| *id != self.id)
            .collect();
        crate::sorting::sort(&mut peers);
        peers.dedup();
        peers
    }

    pub(super) fn voters_except_self(&self) -> Vec<NodeId> {
        self.membership
            .voters
            .union(&self.membership.outgoing)
            .copied()
            .filter(|id| *id != self.id)
            .collect()
    }

    /// Keeps one progress record per member of the configuration in effect.
    pub(super) fn sync_progress(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let peers = self.peers();
        let next = self.disk.log.last_index() + 1;
        self.progress.retain(|id| peers.contains(id));
        for p in peers {
            self.progress.or_insert(
                p,
                Progress {
                    next,
                    matched: 0,
                    acked_round: 0,
                    snapshot_in_flight: None,
                },
            );
        }
    }

    /// A new heartbeat round: every member gets AppendEntries (§5.2). Its
    /// acknowledgements confirm leadership for ReadIndex and leases.
    pub(super) fn broadcast_round(&mut self) {
        self.round += 1;
        self.round_sent_at.push_back((self.round, self.now));
        for peer in self.peers() {
            if let Some(pr) = self.progress.get_mut(&peer) {
                // Resend a snapshot whose answer may have been lost.
                pr.snapshot_in_flight = None;
            }
            self.send_append(peer);
        }
        self.heartbeat_deadline = self.now.plus(self.config.heartbeat_interval_us);
        self.after_ack();
    }

    pub(super) fn replicate_to_all(&mut self) {
        for peer in self.peers() {
            let behind = self
                .progress
                .get(&peer)
                .is_some_and(|pr| pr.next <= self.disk.log.last_index());
            if behind {
                self.send_append(peer);
            }
        }
    }

    /// Sends more entries, or TimeoutNow when a transfer target caught up.
    pub(super) fn continue_replication(&mut self, peer: NodeId) {
        let Some(pr) = self.progress.get(&peer).copied() else {
            return;
        };
        if pr.next <= self.disk.log.last_index() && pr.snapshot_in_flight.is_none() {
            self.send_append(peer);
        }
        if let Some(tr) = self.transfer {
            if tr.target == peer && !tr.timeout_now_sent && pr.matched == self.disk.log.last_index()
            {
                self.transfer = Some(Transfer {
                    timeout_now_sent: true,
                    ..tr
                });
                self.emit(Event::TimeoutNowSent { target: peer });
                let term = self.disk.term;
                self.send(peer, Message::TimeoutNow { term });
            }
        }
        self.promote_caught_up_learners();
    }

    pub(super) fn send_append(&mut self, peer: NodeId) {
        let Some(pr) = self.progress.get(&peer).copied() else {
            return;
        };
        let log = &self.disk.log;
        let term = self.disk.term;
        if pr.next <= log.snapshot().last_index {
            if pr.snapshot_in_flight == Some(log.snapshot().last_index) {
                return;
            }
            let snapshot = log.snapshot().clone();
            let last_index = snapshot.last_index;
            if let Some(p) = self.progress.get_mut(&peer) {
                p.snapshot_in_flight = Some(last_index);
            }
            self.emit(Event::SnapshotSent {
                to: peer,
                last_index,
            });
            let round = self.round;
            self.send(
                peer,
                Message::InstallSnapshot {
                    term,
                    snapshot: Box::new(snapshot),
                    round,
                },
            );
            return;
        }
        let prev_index = pr.next - 1;
        let prev_term = log.term_at(prev_index).unwrap_or(0);
        let entries = log.entries_from(pr.next, self.config.max_entries_per_message);
        if let Some(last) = entries.last() {
            let next = last.index + 1;
            if let Some(p) = self.progress.get_mut(&peer) {
                p.next = next;
            }
        }
        let founding_config = (prev_index == 0
            && !self.config.reinjected(Regression::FoundingConfigNotSent))
        .then(|| Box::new(log.snapshot().config.clone()));
        let message = Message::AppendEntries {
            term,
            prev_index,
            prev_term,
            entries,
            leader_commit: self.commit,
            round: self.round,
            founding_config,
        };
        self.send(peer, message);
    }

    /// Recomputes what a quorum has acknowledged: the newest confirmed round
    /// (for ReadIndex), the lease (thesis §6.4) and leader liveness.
    pub(super) fn after_ack(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let (me, round) = (self.id, self.round);
        let progress = &self.progress;
        let q = self.membership.quorum_value(|id| {
            if id == me {
                round
            } else {
                progress.get(&id).map_or(0, |p| p.acked_round)
            }
        });
        if q > self.quorum_round && q != u64::MAX {
            self.quorum_round = q;
            while self.round_sent_at.front().is_some_and(|(r, _)| *r < q) {
                self.round_sent_at.pop_front();
            }
            if let Some((_, sent_at)) = self.round_sent_at.front().copied() {
                self.quorum_contact_at = self.quorum_contact_at.max(sent_at);
                self.promise = Some((self.id, self.quorum_contact_at));
                if self.config.check_quorum
                    && self.config.lease_reads
                    && !self.lease_transferred
                    && q >= self.lease_min_round
                {
                    // Every follower in the quorum acknowledged round q after
                    // it was sent and promised to elect no one else for a
                    // minimum election timeout: the lease runs from sent_at.
                    self.lease_until = self
                        .lease_until
                        .max(sent_at.plus(self.config.lease_duration_us));
                    self.lease_settings_changed = false;
                }
            }
        }
        self.serve_ready_reads();
    }

    /// Commits the highest index stored on a quorum, if it belongs to the
    /// current term (§5.4.2); older entries commit with it.
    pub(super) fn maybe_commit(&mut self) {
        if self.role != Role::Leader {
            return;
        }
        let (me, last) = (self.id, self.disk.log.last_index());
        let progress = &self.progress;
        let q = self.membership.quorum_value(|id| {
            if id == me {
                last
            } else {
                progress.get(&id).map_or(0, |p| p.matched)
            }
        });
        if q <= self.commit || q == u64::MAX {
            return;
        }
        let old_commit = self.commit;
        let entry_term = self.disk.log.term_at(q).unwrap_or(0);
        let term = self.disk.term;
        let rule = if entry_term == term {
            Rule::CurrentTermCommit
        } else if self.config.faults.commit_any_term {
            Rule::Fault(Fault::CommitAnyTerm)
        } else {
            if q > self.last_deferred_commit {
                self.last_deferred_commit = q;
                self.emit(Event::CommitDeferred {
                    index: q,
                    entry_term,
                    leader_term: term,
                });
            }
            return;
        };
        self.commit = q;
        let quorum: Vec<NodeId> = self
            .membership
            .members()
            .into_iter()
            .filter(|id| self.membership.is_voter(*id))
            .filter(|id| {
                if *id == me {
                    last >= q
                } else {
                    self.progress.get(id).is_some_and(|p| p.matched >= q)
                }
            })
            .collect();
        self.emit(Event::Committed {
            index: q,
            term: entry_term,
            quorum,
            rule,
        });
        self.apply_committed();
        if (old_commit + 1..=q).contains(&self.membership_index) {
            self.bid_farewell(old_commit);
        }
        self.after_commit_as_leader();
    }

    /// The latest configuration just committed: servers it removed are no
    /// longer replicated to. Each gets one last AppendEntries carrying the
    /// new commit index, so that, if it holds the entries, it knows its
    /// removal is committed and stops campaigning (§6). If that message is
    /// lost it does not know; leader stickiness then keeps its elections
    /// from deposing anyone.
    pub(super) fn bid_farewell(&mut self, old_commit: LogIndex) {
        let before = self.disk.log.config_at(old_commit).1.members();
        for id in before {
            if id != self.id && !self.membership.is_member(id) {
                self.send_append(id);
            }
        }
        self.sync_progress();
    }

    pub(super) fn apply_committed(&mut self) {
        while self.applied < self.commit {
            let Some(entry) = self.disk.log.entry(self.applied + 1).cloned() else {
                break;
            };
            self.applied = entry.index;
            let outcome = match &*entry.payload {
                Payload::Command(c) => Some(self.kv.apply(c)),
                _ => None,
            };
            if let Some((request, term)) = self.pending_writes.remove(&entry.index) {
                let answer = match outcome {
                    Some(a) if term == entry.term => Answer::Written(a.result),
                    _ => Answer::Uncertain(Uncertain::Overwritten),
                };
                self.out_replies.push_back(ClientReply { request, answer });
            }
            self.emit(Event::Applied {
                index: entry.index,
                term: entry.term,
                payload: entry.payload,
                outcome,
            });
        }
        let threshold = self.config.snapshot_threshold;
        let snap = self.disk.log.snapshot().last_index;
        if threshold > 0 && self.applied >= snap + threshold {
            let applied = self.applied;
            self.disk.log.compact(applied, self.kv.clone());
            let last_term = self.disk.log.snapshot().last_term;
            self.emit(Event::SnapshotTaken {
                last_index: applied,
                last_term,
            });
        }
        self.serve_ready_reads();
    }
}
