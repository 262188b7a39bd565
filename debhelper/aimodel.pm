#!/usr/bin/perl
# debhelper sequence addon for dh_aimodel (dh-aimodel); see dh_aimodel(1).
# Enabled by Build-Depends: dh-sequence-aimodel (or dh $@ --with aimodel).
#
# First in the binary sequence, before dh_installdeb: the package build
# directories hold what the .deb will hold (dh_compress, dh_strip and the
# other ELF tools have run, so a file that carries an embedded or compiled
# model has its final bytes), dh_shlibdeps has written ${shlibs:Depends}, and
# dh_lintian has (over)written the override file that dh_aimodel appends to;
# dh_gencontrol (which reads the substvars) and dh_md5sums still follow.
use strict;
use warnings;
use Debian::Debhelper::Dh_Lib;

insert_before('dh_installdeb', 'dh_aimodel');

1;
