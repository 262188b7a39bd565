#!/usr/bin/perl
# debhelper sequence addon for dh_aimodel (dh-aimodel); see dh_aimodel(1).
# Enabled by Build-Depends: dh-sequence-aimodel (or dh $@ --with aimodel).
#
# After dh_lintian: the package build directories are complete, dh_installdocs
# has installed the copyright file and dh_lintian has (over)written the
# override file that dh_aimodel appends to; dh_compress, dh_fixperms,
# dh_gencontrol (which reads the substvars) and dh_md5sums still follow.
use strict;
use warnings;
use Debian::Debhelper::Dh_Lib;

insert_after('dh_lintian', 'dh_aimodel');

1;
