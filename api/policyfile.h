/*
 * policyfile.h - where the platform's lint policy is read from, for the
 * CLI (`meshpanel lint --policy FILE`) and the console alike, so the two
 * never judge the same objects by different rules.
 *
 * Ownership: the policy is the caller's (lint_policy_free).
 */
#ifndef MESHPANEL_POLICYFILE_H
#define MESHPANEL_POLICYFILE_H

#include "model/err.h"
#include "model/lint.h"

/* given, else $XDG_CONFIG_HOME/meshpanel/policy.yaml (or
 * ~/.config/meshpanel/policy.yaml) when it exists, else the defaults.
 * NULL with err when given is unreadable or a file does not parse. */
lint_policy *policy_load(const char *given, mp_err *err);

#endif
