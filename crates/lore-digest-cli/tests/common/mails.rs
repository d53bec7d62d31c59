//! Synthetic mails for the "kvm-fixture" list, written in the style of
//! git-format-patch / git-send-email. None is copied from a real archive.
//!
//! Each mail exercises one or more parsing rules; the comment above it says
//! which. `%SIG%` stands for the git-format-patch signature ("-- " and
//! "2.43.0"), spelled out by [`mail`] so that the trailing space of the
//! delimiter cannot be lost to an editor.

use super::{DAY, Epoch, HOUR, Inbox, Repo, T0, base64_lines, crlf, latin1};
use std::path::Path;

/// Expands `%SIG%` and drops the leading newline of a raw string literal.
pub fn mail(s: &str) -> String {
    s.strip_prefix('\n')
        .unwrap_or(s)
        .replace("%SIG%", "-- \n2.43.0")
}

// ---------------------------------------------------------------------------
// Single-epoch archive, before the range: the base commit A.

pub const OLD: &str = r#"
From: Old Timer <old@archive.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: x86: Remove a stale comment in the emulator
Date: Wed, 30 Apr 2025 00:00:00 +0000
Message-ID: <20250430000000.100-1-old@archive.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

The comment refers to a helper that was removed years ago.

Signed-off-by: Old Timer <old@archive.example>
---
 arch/x86/kvm/emulate.c | 3 ---
 1 file changed, 3 deletions(-)

diff --git a/arch/x86/kvm/emulate.c b/arch/x86/kvm/emulate.c
index 1234567..89abcde 100644
--- a/arch/x86/kvm/emulate.c
+++ b/arch/x86/kvm/emulate.c
@@ -100,9 +100,6 @@
-/*
- * See emulate_stale_helper().
- */
 static int em_nop(struct x86_emulate_ctxt *ctxt)
%SIG%
"#;

// ---------------------------------------------------------------------------
// Series A: cover letter + 3 patches threaded to it (v2).

/// Cover letter: shortlog + diffstat + base-commit + signature.
pub const A0_COVER: &str = r#"
From: Alice Hacker <alice@kernel-dev.org>
To: kvm@vger.kernel.org
Cc: linux-kernel@vger.kernel.org
Subject: [PATCH v2 0/3] KVM: x86/mmu: Allocate the hashed page list on demand
Date: Thu,  1 May 2025 09:00:00 +0000
Message-ID: <20250501090000.4242-1-alice@kernel-dev.org>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>
Precedence: bulk

Allocate the hashed list of shadow pages dynamically (separate from
struct kvm), and only when the first shadow root is allocated.  The list
is 32KiB, so it belongs in a separate allocation, and is worth skipping
entirely if KVM never shadows guest page tables.

v2:
 - Use kvcalloc() instead of open coding the fallback. [Rachel]
 - Drop the READ_ONCE() that was papering over a missing lock.

Alice Hacker (3):
  KVM: x86/mmu: Dynamically allocate the shadow MMU's hashed page list
    on first use
  KVM: x86/mmu: Free the hashed page list when the last root goes away
  KVM: x86: Allocate struct kvm with kvzalloc()

 arch/x86/include/asm/kvm_host.h |  4 ++--
 arch/x86/kvm/mmu/mmu.c          | 27 +++++++++++++++++++++------
 arch/x86/kvm/x86.c              |  6 +++++-
 3 files changed, 28 insertions(+), 9 deletions(-)


base-commit: 0123456789abcdef0123456789abcdef01234567
%SIG%
"#;

/// Folded Subject; quoted-printable body with `=E2=80=99` and soft breaks.
pub const A1_QP_FOLDED: &str = r#"
From: Alice Hacker <alice@kernel-dev.org>
To: kvm@vger.kernel.org
Cc: linux-kernel@vger.kernel.org
Subject: [PATCH v2 1/3] KVM: x86/mmu: Dynamically allocate the shadow MMU's hashed page list
 on first use
Date: Thu,  1 May 2025 09:00:01 +0000
Message-ID: <20250501090000.4242-2-alice@kernel-dev.org>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250501090000.4242-1-alice@kernel-dev.org>
References: <20250501090000.4242-1-alice@kernel-dev.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: quoted-printable
List-Id: <kvm.vger.kernel.org>
Precedence: bulk

Dynamically allocate the (massive) array of hashed lists used to track shadow=
 pages, as the array itself is 32KiB, i.e. is an order-3 allocation all on it=
s own. Don=E2=80=99t allocate the array until it=E2=80=99s actually needed, i=
.e. until the first shadow root is allocated.

This follows the kvcalloc() pattern discussed in the v1 rfc=
 thread.

Signed-off-by: Alice Hacker <alice@kernel-dev.org>
---
 arch/x86/include/asm/kvm_host.h |  4 ++--
 arch/x86/kvm/mmu/mmu.c          | 21 ++++++++++++++++++++-
 2 files changed, 22 insertions(+), 3 deletions(-)

diff --git a/arch/x86/include/asm/kvm_host.h b/arch/x86/include/asm/kvm_host.h
index 32ae3aa50c7e..6a1b3c9e0f11 100644
--- a/arch/x86/include/asm/kvm_host.h
+++ b/arch/x86/include/asm/kvm_host.h
@@ -1340,7 +1340,7 @@ struct kvm_arch {
 	bool pre_fault_allowed;
-	struct hlist_head mmu_page_hash[KVM_NUM_MMU_PAGES];
+	struct hlist_head *mmu_page_hash;
 	struct list_head active_mmu_pages;
diff --git a/arch/x86/kvm/mmu/mmu.c b/arch/x86/kvm/mmu/mmu.c
index 4e06e2e89a8f..0c1d2b3a4f5e 100644
--- a/arch/x86/kvm/mmu/mmu.c
+++ b/arch/x86/kvm/mmu/mmu.c
@@ -3880,6 +3880,12 @@ static int mmu_alloc_shadow_roots(struct kvm_vcpu *vcpu)
+	if (!kvm->arch.mmu_page_hash) {
+		kvm->arch.mmu_page_hash =3D kvcalloc(KVM_NUM_MMU_PAGES,
+						   sizeof(struct hlist_head),
+						   GFP_KERNEL_ACCOUNT);
+		if (!kvm->arch.mmu_page_hash)
+			return -ENOMEM;
+	}
%SIG%
"#;

/// Body of A2, sent base64-encoded (see [`a2_base64`]).
pub const A2_BODY: &str = r#"Free the hashed page list when the last shadow root is freed instead of
keeping it around until the VM is destroyed.  The naïve approach of
freeing it in kvm_mmu_free_roots() races with vCPUs that are installing a
new root, so do it under mmu_lock and only if there are no active pages.

Signed-off-by: Alice Hacker <alice@kernel-dev.org>
---
 arch/x86/kvm/mmu/mmu.c | 6 +++---
 1 file changed, 3 insertions(+), 3 deletions(-)

diff --git a/arch/x86/kvm/mmu/mmu.c b/arch/x86/kvm/mmu/mmu.c
index 0c1d2b3a4f5e..7d8e9f0a1b2c 100644
--- a/arch/x86/kvm/mmu/mmu.c
+++ b/arch/x86/kvm/mmu/mmu.c
@@ -4120,9 +4120,9 @@ void kvm_mmu_free_roots(struct kvm *kvm, struct kvm_mmu *mmu,
-	kvfree(kvm->arch.mmu_page_hash);
-	kvm->arch.mmu_page_hash = NULL;
-	write_unlock(&kvm->mmu_lock);
+	if (list_empty(&kvm->arch.active_mmu_pages))
+		kvfree(kvm->arch.mmu_page_hash);
+	write_unlock(&kvm->mmu_lock);
%SIG%
"#;

/// Base64 body with an explicit charset.
pub fn a2_base64() -> String {
    let headers = mail(
        r#"
From: Alice Hacker <alice@kernel-dev.org>
To: kvm@vger.kernel.org
Subject: [PATCH v2 2/3] KVM: x86/mmu: Free the hashed page list when the last root goes away
Date: Thu,  1 May 2025 09:00:02 +0000
Message-ID: <20250501090000.4242-3-alice@kernel-dev.org>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250501090000.4242-1-alice@kernel-dev.org>
References: <20250501090000.4242-1-alice@kernel-dev.org>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: base64
List-Id: <kvm.vger.kernel.org>

"#,
    );
    format!("{headers}{}", base64_lines(mail(A2_BODY).as_bytes()))
}

pub const A3: &str = r#"
From: Alice Hacker <alice@kernel-dev.org>
To: kvm@vger.kernel.org
Subject: [PATCH v2 3/3] KVM: x86: Allocate struct kvm with kvzalloc()
Date: Thu,  1 May 2025 09:00:03 +0000
Message-ID: <20250501090000.4242-4-alice@kernel-dev.org>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250501090000.4242-1-alice@kernel-dev.org>
References: <20250501090000.4242-1-alice@kernel-dev.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Now that the hashed page list is no longer embedded in struct kvm, the
structure fits in an order-1 allocation; use kvzalloc() so that a
fragmented host can still create VMs.

Cc: Vipin Example <vipin@kernel-dev.org>
Signed-off-by: Alice Hacker <alice@kernel-dev.org>
---
 arch/x86/kvm/x86.c | 6 +++++-
 1 file changed, 5 insertions(+), 1 deletion(-)

diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
index 1a2b3c4d5e6f..2b3c4d5e6f70 100644
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -12700,7 +12700,11 @@ struct kvm *kvm_arch_alloc_vm(void)
-	return __vmalloc(kvm_x86_ops.vm_size, GFP_KERNEL_ACCOUNT | __GFP_ZERO);
+	struct kvm *kvm;
+
+	kvm = kvzalloc(kvm_x86_ops.vm_size, GFP_KERNEL_ACCOUNT);
+	return kvm;
+}
%SIG%
"#;

/// A reply (`Re:`) quoting the patch, diffstat included: not a patch.
pub const R1_RE: &str = r#"
From: Rachel Reviewer <rachel@reviewers.example>
To: Alice Hacker <alice@kernel-dev.org>
Cc: kvm@vger.kernel.org
Subject: Re: [PATCH v2 1/3] KVM: x86/mmu: Dynamically allocate the shadow MMU's hashed page list
 on first use
Date: Thu, 1 May 2025 10:30:00 +0000
Message-ID: <aBcD1234rachel@reviewers.example>
In-Reply-To: <20250501090000.4242-2-alice@kernel-dev.org>
References: <20250501090000.4242-1-alice@kernel-dev.org>
 <20250501090000.4242-2-alice@kernel-dev.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii
List-Id: <kvm.vger.kernel.org>

On Thu, May 01, 2025 at 09:00:01AM +0000, Alice Hacker wrote:
> Dynamically allocate the (massive) array of hashed lists used to track shadow
> pages.
>
> Signed-off-by: Alice Hacker <alice@kernel-dev.org>
> ---
>  arch/x86/include/asm/kvm_host.h |  4 ++--
>  arch/x86/kvm/mmu/mmu.c          | 21 ++++++++++++++++++++-
>  2 files changed, 22 insertions(+), 3 deletions(-)

Reviewed-by: Rachel Reviewer <rachel@reviewers.example>
"#;

// ---------------------------------------------------------------------------
// Series Z: no cover letter, 2/2 in-reply-to 1/2; RFC 2047 base64 name.

pub const Z1: &str = r#"
From: =?UTF-8?B?Wm/DqyBNw7xsbGVy?= <zoe.mueller@example.de>
To: kvm@vger.kernel.org
Subject: [PATCH 1/2] KVM: selftests: Add a helper to read a KVM module parameter
Date: Thu,  1 May 2025 13:00:00 +0200
Message-ID: <20250501110000.777-1-zoe.mueller@example.de>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Add kvm_get_module_param_bool() so that tests stop open coding the sysfs
read, and so that a missing module produces a SKIP instead of a failure.

Signed-off-by: Zoë Müller <zoe.mueller@example.de>
---
 tools/testing/selftests/kvm/include/kvm_util.h |  1 +
 tools/testing/selftests/kvm/lib/kvm_util.c     | 14 ++++++++++++++
 2 files changed, 15 insertions(+)

diff --git a/tools/testing/selftests/kvm/include/kvm_util.h b/tools/testing/selftests/kvm/include/kvm_util.h
index 0f1e2d3c4b5a..1e2d3c4b5a69 100644
--- a/tools/testing/selftests/kvm/include/kvm_util.h
+++ b/tools/testing/selftests/kvm/include/kvm_util.h
@@ -230,6 +230,7 @@
+bool kvm_get_module_param_bool(const char *module, const char *param);
%SIG%
"#;

pub const Z2: &str = r#"
From: =?UTF-8?B?Wm/DqyBNw7xsbGVy?= <zoe.mueller@example.de>
To: kvm@vger.kernel.org
Subject: [PATCH 2/2] KVM: selftests: Skip the dirty ring test if KVM is not loaded
Date: Thu,  1 May 2025 13:01:00 +0200
Message-ID: <20250501110000.777-2-zoe.mueller@example.de>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250501110000.777-1-zoe.mueller@example.de>
References: <20250501110000.777-1-zoe.mueller@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Use the new helper to skip, rather than fail, when kvm.ko is absent.

Signed-off-by: Zoë Müller <zoe.mueller@example.de>
---
 tools/testing/selftests/kvm/dirty_log_test.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/tools/testing/selftests/kvm/dirty_log_test.c b/tools/testing/selftests/kvm/dirty_log_test.c
index 2a3b4c5d6e7f..3b4c5d6e7f80 100644
--- a/tools/testing/selftests/kvm/dirty_log_test.c
+++ b/tools/testing/selftests/kvm/dirty_log_test.c
@@ -800,7 +800,8 @@ int main(int argc, char *argv[])
-	TEST_REQUIRE(kvm_has_cap(KVM_CAP_DIRTY_LOG_RING));
+	TEST_REQUIRE(kvm_get_module_param_bool("kvm", "enable_dirty_ring"));
+	TEST_REQUIRE(kvm_has_cap(KVM_CAP_DIRTY_LOG_RING));
%SIG%
"#;

// ---------------------------------------------------------------------------
// Series B: unthreaded (no In-Reply-To), same author under three spellings
// of the same address, sent within minutes, with a reply in between.

pub const B1: &str = r#"
From: Bob Builder <bob.builder@example.com>
To: kvm@vger.kernel.org, kvmarm@lists.linux.dev
Subject: [PATCH v3 1/3] KVM: arm64: vgic-its: Rename the save/restore helpers
Date: Thu,  1 May 2025 13:00:00 +0000
Message-ID: <20250501130000.31337-1-bob.builder@example.com>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

The helpers save and restore more than the device table; name them for
what they do.  No functional change intended.

Signed-off-by: Bob Builder <bob.builder@example.com>
---
 arch/arm64/kvm/vgic/vgic-its.c | 8 ++++----
 1 file changed, 4 insertions(+), 4 deletions(-)

diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c
index 4b5c6d7e8f90..5c6d7e8f90a1 100644
--- a/arch/arm64/kvm/vgic/vgic-its.c
+++ b/arch/arm64/kvm/vgic/vgic-its.c
@@ -2100,7 +2100,7 @@
-static int vgic_its_save_device_tables(struct vgic_its *its)
+static int vgic_its_save_tables(struct vgic_its *its)
%SIG%
"#;

/// Reply from a German MUA (`AW:`), landing between B1 and B2.
pub const AW: &str = r#"
From: Hans Pruefer <hans.pruefer@example.at>
To: =?UTF-8?B?Wm/DqyBNw7xsbGVy?= <zoe.mueller@example.de>
Cc: kvm@vger.kernel.org
Subject: AW: [PATCH 1/2] KVM: selftests: Add a helper to read a KVM module parameter
Date: Thu, 1 May 2025 15:02:00 +0200
Message-ID: <AM0PR01MB1234.eurprd01.prod.example.at>
In-Reply-To: <20250501110000.777-1-zoe.mueller@example.de>
References: <20250501110000.777-1-zoe.mueller@example.de>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Hallo Zoë,

> Add kvm_get_module_param_bool() so that tests stop open coding the sysfs
> read, and so that a missing module produces a SKIP instead of a failure.

Tested-by: Hans Pruefer <hans.pruefer@example.at>
"#;

pub const B2: &str = r#"
From: bob builder <Bob.Builder@Example.com>
To: kvm@vger.kernel.org, kvmarm@lists.linux.dev
Subject: [PATCH v3 2/3] KVM: arm64: vgic-its: Reject unaligned collection table writes
Date: Thu,  1 May 2025 13:03:00 +0000
Message-ID: <20250501130300.31338-1-bob.builder@example.com>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

A guest can program GITS_BASER with a collection table address that is
not 64KiB aligned; reject the write instead of silently truncating it.

Signed-off-by: Bob Builder <bob.builder@example.com>
---
 arch/arm64/kvm/vgic/vgic-its.c | 4 ++++
 1 file changed, 4 insertions(+)

diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c
index 5c6d7e8f90a1..6d7e8f90a1b2 100644
--- a/arch/arm64/kvm/vgic/vgic-its.c
+++ b/arch/arm64/kvm/vgic/vgic-its.c
@@ -1500,6 +1500,10 @@
+	if (!IS_ALIGNED(addr, SZ_64K))
+		return -EINVAL;
%SIG%
"#;

pub const B3: &str = r#"
From: =?UTF-8?Q?Bob_Builder?= <BOB.BUILDER@EXAMPLE.COM>
To: kvm@vger.kernel.org, kvmarm@lists.linux.dev
Subject: [PATCH v3 3/3] KVM: arm64: vgic-its: Add a selftest hook for the collection table
Date: Thu,  1 May 2025 13:05:00 +0000
Message-ID: <20250501130500.31339-1-bob.builder@example.com>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Expose the collection table base through the existing debugfs file so
that the selftest added later can verify the alignment check.

Signed-off-by: Bob Builder <bob.builder@example.com>
---
 arch/arm64/kvm/vgic/vgic-debug.c | 2 ++
 1 file changed, 2 insertions(+)

diff --git a/arch/arm64/kvm/vgic/vgic-debug.c b/arch/arm64/kvm/vgic/vgic-debug.c
index 6d7e8f90a1b2..7e8f90a1b2c3 100644
--- a/arch/arm64/kvm/vgic/vgic-debug.c
+++ b/arch/arm64/kvm/vgic/vgic-debug.c
@@ -300,6 +300,8 @@
+	seq_printf(s, "collection table: %llx\n", its->baser_coll_table);
%SIG%
"#;

// ---------------------------------------------------------------------------
// Single patches, one rule each.

/// `[RFC PATCH v2 01/13]`, ISO-8859-1 quoted-printable encoded-word name.
pub const J1: &str = r#"
From: =?iso-8859-1?Q?Jos=E9_N=FA=F1ez?= <jose.nunez@example.es>
To: kvm@vger.kernel.org, kvm-riscv@lists.infradead.org
Subject: [RFC PATCH v2 01/13] RISC-V: KVM: Add a skeleton for the SBI nested acceleration extension
Date: Thu, 1 May 2025 17:00:00 +0200
Message-ID: <20250501150000.999-2-jose.nunez@example.es>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250501150000.999-1-jose.nunez@example.es>
References: <20250501150000.999-1-jose.nunez@example.es>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Add the extension ID and an empty handler so that the following patches
can fill in the individual SBI calls one by one.

Signed-off-by: José Núñez <jose.nunez@example.es>
---
 arch/riscv/kvm/Makefile          |  1 +
 arch/riscv/kvm/vcpu_sbi_nacl.c   | 30 ++++++++++++++++++++++++++++++
 2 files changed, 31 insertions(+)

diff --git a/arch/riscv/kvm/Makefile b/arch/riscv/kvm/Makefile
index 8a9b0c1d2e3f..9b0c1d2e3f40 100644
--- a/arch/riscv/kvm/Makefile
+++ b/arch/riscv/kvm/Makefile
@@ -30,3 +30,4 @@
+kvm-y += vcpu_sbi_nacl.o
%SIG%
"#;

/// `[PATCH net-next v2 3/4]`, sent with CRLF line endings (see [`n1_crlf`]).
const N1: &str = r#"
From: Nadia Netdev <nadia@netdev.example>
To: netdev@vger.kernel.org
Cc: kvm@vger.kernel.org, virtualization@lists.linux.dev
Subject: [PATCH net-next v2 3/4] vhost/net: Defer TX queue re-enable until the ring is drained
Date: Thu, 1 May 2025 20:00:00 +0000
Message-ID: <20250501200000.2020-4-nadia@netdev.example>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250501200000.2020-1-nadia@netdev.example>
References: <20250501200000.2020-1-nadia@netdev.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 7bit
List-Id: <kvm.vger.kernel.org>

Re-enabling the TX queue while the ring still holds buffers makes the
guest kick us again immediately; wait until the ring is drained.

Signed-off-by: Nadia Netdev <nadia@netdev.example>
---
 drivers/vhost/net.c | 9 ++++++---
 1 file changed, 6 insertions(+), 3 deletions(-)

diff --git a/drivers/vhost/net.c b/drivers/vhost/net.c
index 9c0d1e2f3a4b..0d1e2f3a4b5c 100644
--- a/drivers/vhost/net.c
+++ b/drivers/vhost/net.c
@@ -780,9 +780,12 @@ static void handle_tx_copy(struct vhost_net *net, struct socket *sock)
-	vhost_net_enable_vq(net, vq);
+	if (vhost_vq_avail_empty(&net->dev, vq))
+		vhost_net_enable_vq(net, vq);
%SIG%
"#;

pub fn n1_crlf() -> String {
    crlf(&mail(N1))
}

/// `[kvm-unit-tests PATCH 2/3]`, multipart/mixed: the first text/plain part
/// is the body, the attachment is not.
pub const K1: &str = r#"
From: Kai Unit <kai@unit-tests.example>
To: kvm@vger.kernel.org
Subject: [kvm-unit-tests PATCH 2/3] x86: svm: Add a test for the VMCB clean bits
Date: Fri, 2 May 2025 08:00:00 +0000
Message-ID: <20250502080000.5555-3-kai@unit-tests.example>
In-Reply-To: <20250502080000.5555-1-kai@unit-tests.example>
References: <20250502080000.5555-1-kai@unit-tests.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="------------fixture0123456789ABCDEF"
List-Id: <kvm.vger.kernel.org>

This is a multi-part message in MIME format.
--------------fixture0123456789ABCDEF
Content-Type: text/plain; charset=UTF-8; format=fixed
Content-Transfer-Encoding: 7bit

Verify that KVM reloads the intercept vectors from the VMCB when the
guest clears the corresponding clean bit.

Signed-off-by: Kai Unit <kai@unit-tests.example>
---
 x86/svm_tests.c | 25 +++++++++++++++++++++++++
 1 file changed, 25 insertions(+)

diff --git a/x86/svm_tests.c b/x86/svm_tests.c
index 1f2e3d4c5b6a..2e3d4c5b6a79 100644
--- a/x86/svm_tests.c
+++ b/x86/svm_tests.c
@@ -3300,6 +3300,31 @@
+static void svm_clean_bits_test(void)
+{
+	report_skip("not yet");
+}
%SIG%

--------------fixture0123456789ABCDEF
Content-Type: text/x-patch; charset=UTF-8; name="unittests-cfg.patch"
Content-Disposition: attachment; filename="unittests-cfg.patch"
Content-Transfer-Encoding: 7bit

diff --git a/x86/unittests.cfg b/x86/unittests.cfg
--- a/x86/unittests.cfg
+++ b/x86/unittests.cfg
+[svm_clean_bits]
+file = svm.flat

--------------fixture0123456789ABCDEF--
"#;

/// `[RESEND PATCH]` with an ISO-8859-1 8bit body (see [`rs_latin1`]).
const RS: &str = r#"
From: Frank Resender <frank@s390.example>
To: kvm@vger.kernel.org, linux-s390@vger.kernel.org
Subject: [RESEND PATCH] KVM: s390: Fix the reporting of the guest TOD clock drift
Date: Fri, 2 May 2025 11:00:00 +0200
Message-ID: <20250502090000.6666-1-frank@s390.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

The drift was reported in microseconds while the field is documented in
TOD clock units.  Found while testing in the Böblingen lab.

Reported-by: Jürgen Weiß <juergen@s390.example>
Signed-off-by: Frank Resender <frank@s390.example>
---
 arch/s390/kvm/kvm-s390.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/s390/kvm/kvm-s390.c b/arch/s390/kvm/kvm-s390.c
index 3a4b5c6d7e8f..4b5c6d7e8f90 100644
--- a/arch/s390/kvm/kvm-s390.c
+++ b/arch/s390/kvm/kvm-s390.c
@@ -1200,7 +1200,7 @@
-	drift_us = tod_to_ns(delta) / 1000;
+	drift = delta;
%SIG%
"#;

pub fn rs_latin1() -> Vec<u8> {
    latin1(&mail(RS))
}

/// `[PATCHv3 2/5]`: version glued to the PATCH keyword.
pub const P3: &str = r#"
From: Pat Compact <pat@ppc.example>
To: kvm@vger.kernel.org, linuxppc-dev@lists.ozlabs.org
Subject: [PATCHv3 2/5] KVM: PPC: Book3S HV: Drop the unused nested PTE helper
Date: Fri, 2 May 2025 10:00:00 +0000
Message-ID: <20250502100000.7777-3-pat@ppc.example>
In-Reply-To: <20250502100000.7777-1-pat@ppc.example>
References: <20250502100000.7777-1-pat@ppc.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

The last user went away with the radix rework.

Signed-off-by: Pat Compact <pat@ppc.example>
---
 arch/powerpc/kvm/book3s_hv_nested.c | 12 ------------
 1 file changed, 12 deletions(-)

diff --git a/arch/powerpc/kvm/book3s_hv_nested.c b/arch/powerpc/kvm/book3s_hv_nested.c
index 4c5d6e7f8091..5d6e7f8091a2 100644
--- a/arch/powerpc/kvm/book3s_hv_nested.c
+++ b/arch/powerpc/kvm/book3s_hv_nested.c
@@ -900,12 +900,0 @@
-static pte_t *kvmhv_nested_pte(struct kvm *kvm, unsigned long gpa)
-{
-	return NULL;
-}
%SIG%
"#;

/// Reply from a Swedish MUA (`SV:`).
pub const SV: &str = r#"
From: Sven Svensson <sven@example.se>
To: Nadia Netdev <nadia@netdev.example>
Cc: kvm@vger.kernel.org
Subject: SV: [PATCH net-next v2 3/4] vhost/net: Defer TX queue re-enable until the ring is drained
Date: Fri, 2 May 2025 13:00:00 +0200
Message-ID: <HE1PR0701MB9999.eurprd07.prod.example.se>
In-Reply-To: <20250501200000.2020-4-nadia@netdev.example>
References: <20250501200000.2020-4-nadia@netdev.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Hej Nadia,

Looks good to me.

Acked-by: Sven Svensson <sven@example.se>
"#;

/// `[for-next][PATCH]`: a bracketed prefix before the PATCH tag.
pub const FN: &str = r#"
From: Steve Tracer <steve@trace.example>
To: linux-kernel@vger.kernel.org
Cc: kvm@vger.kernel.org
Subject: [for-next][PATCH] tracing: Fix the field order of the kvm_exit event
Date: Fri, 2 May 2025 08:00:00 -0400
Message-ID: <20250502120000.8888-1-steve@trace.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

The print format lists the fields in a different order than the entry
structure, which confuses trace-cmd's binary parser.

Signed-off-by: Steve Tracer <steve@trace.example>
---
 arch/x86/kvm/trace.h | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/arch/x86/kvm/trace.h b/arch/x86/kvm/trace.h
index 5d6e7f8091a2..6e7f8091a2b3 100644
--- a/arch/x86/kvm/trace.h
+++ b/arch/x86/kvm/trace.h
@@ -300,8 +300,8 @@ TRACE_EVENT(kvm_exit,
-		__field(	unsigned int,	exit_reason	)
-		__field(	unsigned long,	guest_rip	)
+		__field(	unsigned long,	guest_rip	)
+		__field(	unsigned int,	exit_reason	)
%SIG%
"#;

/// `[PATCH v5.1 10/12]`: a dotted version.
pub const V5: &str = r#"
From: Vera Five <vera@five.example>
To: kvm@vger.kernel.org
Subject: [PATCH v5.1 10/12] KVM: x86/pmu: Move the PMU MSR filter to common code
Date: Fri, 2 May 2025 14:00:00 +0000
Message-ID: <20250502140000.1010-1-vera@five.example>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250420000000.1000-1-vera@five.example>
References: <20250420000000.1000-1-vera@five.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

v5.1: fix the build on 32-bit hosts, no other change.

Both vendors need the same filtering, so move it out of the Intel code.

Signed-off-by: Vera Five <vera@five.example>
---
 arch/x86/kvm/pmu.c           | 20 ++++++++++++++++++++
 arch/x86/kvm/vmx/pmu_intel.c | 20 --------------------
 2 files changed, 20 insertions(+), 20 deletions(-)

diff --git a/arch/x86/kvm/pmu.c b/arch/x86/kvm/pmu.c
index 6f8091a2b3c4..7091a2b3c4d5 100644
--- a/arch/x86/kvm/pmu.c
+++ b/arch/x86/kvm/pmu.c
@@ -600,6 +600,26 @@
+bool kvm_pmu_msr_filtered(struct kvm_vcpu *vcpu, u32 msr)
+{
+	return false;
+}
%SIG%
"#;

/// `[GIT PULL]`: a pull request, not a patch, although it has a diffstat.
pub const GP: &str = r#"
From: Max Maintainer <max@y.com>
To: Linus Example <torvalds@linux-foundation.example>
Cc: kvm@vger.kernel.org, linux-kernel@vger.kernel.org
Subject: [GIT PULL] KVM fixes for 6.15-rc5
Date: Fri, 2 May 2025 15:00:00 +0000
Message-ID: <20250502150000.1212-1-max@y.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Linus,

The following changes since commit 0123456789abcdef0123456789abcdef01234567:

  Linux 6.15-rc4 (Sun Apr 27 15:19:23 2025 -0700)

are available in the Git repository at:

  https://git.kernel.example/pub/scm/virt/kvm/kvm.git tags/for-linus

for you to fetch changes up to 89abcdef0123456789abcdef0123456789abcdef:

  KVM: x86: Fix off-by-one in the MSR filter range check (2025-05-02 10:00:00 +0000)

----------------------------------------------------------------
A single x86 fix for the MSR filter range check.

----------------------------------------------------------------
Real Author (1):
      KVM: x86: Fix off-by-one in the MSR filter range check

 arch/x86/kvm/x86.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)
"#;

/// In-body `From:`: the maintainer sends a patch written by someone else.
pub const IB: &str = r#"
From: Max Maintainer <max@y.com>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: x86: Fix off-by-one in the MSR filter range check
Date: Fri, 2 May 2025 16:00:00 +0000
Message-ID: <20250502160000.1313-1-max@y.com>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

From: Real Author <real.author@x.org>

The range end is exclusive, so an MSR equal to base + nmsrs must not be
treated as covered by the filter.

Fixes: 1a4e3a9b2c7d ("KVM: x86: Add MSR filtering")
Signed-off-by: Real Author <real.author@x.org>
Signed-off-by: Max Maintainer <max@y.com>
---
 arch/x86/kvm/x86.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
index 7a8b9c0d1e2f..8b9c0d1e2f30 100644
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -1700,7 +1700,7 @@ static bool msr_in_range(u32 msr, u32 base, u32 nmsrs)
-	return msr >= base && msr <= base + nmsrs;
+	return msr >= base && msr < base + nmsrs;
%SIG%
"#;

// ---------------------------------------------------------------------------
// Sunday 4 May (nothing on the 3rd, so date bounds are unambiguous).

/// `[PATCH RFC 0/5]` cover letter with a base64 UTF-8 encoded-word subject.
pub const RFC0: &str = r#"
From: Gwen Memfd <gwen@memfd.example>
To: kvm@vger.kernel.org
Cc: linux-mm@kvack.org
Subject: [PATCH RFC 0/5] =?UTF-8?B?S1ZNOiBndWVzdF9tZW1mZDog4oCcaW4tcGxhY2XigJ0gc2hhcmVkL3ByaXZhdGUgY29udmVyc2lvbg==?=
Date: Sun, 4 May 2025 09:00:00 +0000
Message-ID: <20250504090000.1414-1-gwen@memfd.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

This RFC lets guest_memfd convert a range between shared and private
without moving the data, which avoids a copy per conversion.

Gwen Memfd (5):
  KVM: guest_memfd: Track shared/private state per folio
  KVM: guest_memfd: Split folios on partial conversion
  KVM: guest_memfd: Allow faulting shared folios into userspace
  KVM: x86: Wire up in-place conversion
  KVM: selftests: Add in-place conversion tests

 virt/kvm/guest_memfd.c                         | 140 ++++++++++++++++--
 arch/x86/kvm/mmu/mmu.c                         |  12 +-
 tools/testing/selftests/kvm/guest_memfd_test.c |  60 ++++++++
 3 files changed, 201 insertions(+), 11 deletions(-)


base-commit: 0123456789abcdef0123456789abcdef01234567
%SIG%
"#;

pub const RFC1: &str = r#"
From: Gwen Memfd <gwen@memfd.example>
To: kvm@vger.kernel.org
Cc: linux-mm@kvack.org
Subject: [PATCH RFC 1/5] KVM: guest_memfd: Track shared/private state per folio
Date: Sun, 4 May 2025 09:01:00 +0000
Message-ID: <20250504090000.1414-2-gwen@memfd.example>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250504090000.1414-1-gwen@memfd.example>
References: <20250504090000.1414-1-gwen@memfd.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Keep the shared/private state in the folio's private data so that a
conversion does not need to walk the memory attributes xarray.

Signed-off-by: Gwen Memfd <gwen@memfd.example>
---
 virt/kvm/guest_memfd.c | 40 ++++++++++++++++++++++++++++++++++++++--
 1 file changed, 38 insertions(+), 2 deletions(-)

diff --git a/virt/kvm/guest_memfd.c b/virt/kvm/guest_memfd.c
index 8091a2b3c4d5..91a2b3c4d5e6 100644
--- a/virt/kvm/guest_memfd.c
+++ b/virt/kvm/guest_memfd.c
@@ -40,6 +40,42 @@
+static bool kvm_gmem_folio_is_private(struct folio *folio)
+{
+	return folio_test_private(folio);
+}
%SIG%
"#;

/// No From header at all, and a Date with an impossible timezone.
pub const NOFROM: &str = r#"
To: kvm@vger.kernel.org
Subject: Question about nested VMX preemption timer
Date: Sun, 4 May 2025 10:00:00 +2500
Message-ID: <no-from-1@anonymous.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Is the preemption timer expected to keep counting while L2 is halted?

---
 this is not a diffstat
"#;

/// A patch whose Date header is garbage.
pub const GD: &str = r#"
From: Gary Date <gary@dates.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: VMX: Fix a typo in the posted interrupt descriptor comment
Date: Thu, 32 Foo 2025 25:61:99 +ZZZZ
Message-ID: <20250504110000.1515-1-gary@dates.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

s/desciptor/descriptor/

Signed-off-by: Gary Date <gary@dates.example>
---
 arch/x86/kvm/vmx/posted_intr.h | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/x86/kvm/vmx/posted_intr.h b/arch/x86/kvm/vmx/posted_intr.h
index 91a2b3c4d5e6..a2b3c4d5e6f7 100644
--- a/arch/x86/kvm/vmx/posted_intr.h
+++ b/arch/x86/kvm/vmx/posted_intr.h
@@ -10,7 +10,7 @@
-/* Posted-Interrupt Desciptor */
+/* Posted-Interrupt Descriptor */
%SIG%
"#;

/// `Fwd:` of a whole patch, diffstat and diff included: not a patch.
pub const FW: &str = r#"
From: Fiona Forwarder <fiona@forward.example>
To: kvm@vger.kernel.org
Subject: Fwd: [PATCH] KVM: x86: Fix off-by-one in the MSR filter range check
Date: Sun, 4 May 2025 12:00:00 +0000
Message-ID: <fwd-1@forward.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

FYI, this should go to stable as well.

---------- Forwarded message ---------
From: Max Maintainer <max@y.com>
Date: Fri, 2 May 2025 16:00:00 +0000
Subject: [PATCH] KVM: x86: Fix off-by-one in the MSR filter range check

From: Real Author <real.author@x.org>

The range end is exclusive, so an MSR equal to base + nmsrs must not be
treated as covered by the filter.

Signed-off-by: Real Author <real.author@x.org>
---
 arch/x86/kvm/x86.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)
"#;

// ---------------------------------------------------------------------------
// The single-epoch archive.

/// Index of each commit in [`kvm_single`], oldest first.
pub mod single {
    pub const OLD: usize = 0;
    pub const A0: usize = 1;
    pub const A1: usize = 2;
    pub const B1: usize = 8;
    pub const DELETION: usize = 13;
    pub const K1: usize = 15;
    pub const IB: usize = 22;
    pub const RFC0: usize = 23;
    pub const TIP: usize = 27;
    pub const COUNT: usize = 28;
}

/// The single-epoch archive: 28 commits from 30 April to 4 May 2025.
///
/// Range `OLD..TIP` selects 27 commits: 26 mails and one deletion; 18 patches,
/// 2 cover letters, 4 replies (Re/AW/SV/Fwd), 1 pull request, 1 other mail.
pub fn kvm_single_epoch() -> Epoch {
    let may1 = T0;
    let may2 = T0 + DAY;
    let may4 = T0 + 3 * DAY;
    let e = Epoch::new()
        .mail(mail(OLD), T0 - DAY) // 0
        .mail(mail(A0_COVER), may1 + 9 * HOUR) // 1
        .mail(mail(A1_QP_FOLDED), may1 + 9 * HOUR + 60) // 2
        .mail(a2_base64(), may1 + 9 * HOUR + 120) // 3
        .mail(mail(A3), may1 + 9 * HOUR + 180) // 4
        .mail(mail(R1_RE), may1 + 10 * HOUR + 1800) // 5
        .mail(mail(Z1), may1 + 11 * HOUR) // 6
        .mail(mail(Z2), may1 + 11 * HOUR + 60) // 7
        .mail(mail(B1), may1 + 13 * HOUR) // 8
        .mail(mail(AW), may1 + 13 * HOUR + 120) // 9
        .mail(mail(B2), may1 + 13 * HOUR + 180) // 10
        .mail(mail(B3), may1 + 13 * HOUR + 300) // 11
        .mail(mail(J1), may1 + 15 * HOUR) // 12
        .deletion(may1 + 18 * HOUR) // 13
        .mail(n1_crlf(), may1 + 20 * HOUR) // 14
        .mail(mail(K1), may2 + 8 * HOUR) // 15
        .mail(rs_latin1(), may2 + 9 * HOUR) // 16
        .mail(mail(P3), may2 + 10 * HOUR) // 17
        .mail(mail(SV), may2 + 11 * HOUR) // 18
        .mail(mail(FN), may2 + 12 * HOUR) // 19
        .mail(mail(V5), may2 + 14 * HOUR) // 20
        .mail(mail(GP), may2 + 15 * HOUR) // 21
        .mail(mail(IB), may2 + 16 * HOUR) // 22
        .mail(mail(RFC0), may4 + 9 * HOUR) // 23
        .mail(mail(RFC1), may4 + 9 * HOUR + 60) // 24
        .mail(mail(NOFROM), may4 + 10 * HOUR) // 25
        .mail(mail(GD), may4 + 11 * HOUR) // 26
        .mail(mail(FW), may4 + 12 * HOUR); // 27
    assert_eq!(e.len(), single::COUNT);
    e
}

/// Writes the single-epoch archive as a bare repository `dir/kvm-fixture.git`.
pub fn kvm_single(dir: &Path) -> Repo {
    kvm_single_epoch().write(&dir.join("kvm-fixture.git"))
}

// ---------------------------------------------------------------------------
// The v2 inbox: a v4 series whose cover and 1/3 are the last mails of epoch 0
// and whose 2/3 and 3/3 are the first mails of epoch 1.

/// 2025-05-10T00:00:00Z.
pub const T2: i64 = T0 + 9 * DAY;

pub const E0_OLD: &str = r#"
From: Ian Old <ian@old.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: SVM: Drop the unused svm_get_lbr_vmcb() helper
Date: Sat, 10 May 2025 01:00:00 +0000
Message-ID: <20250510010000.1-1-ian@old.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

No callers are left.

Signed-off-by: Ian Old <ian@old.example>
---
 arch/x86/kvm/svm/svm.c | 5 -----
 1 file changed, 5 deletions(-)

diff --git a/arch/x86/kvm/svm/svm.c b/arch/x86/kvm/svm/svm.c
index a1b2c3d4e5f6..b2c3d4e5f6a7 100644
--- a/arch/x86/kvm/svm/svm.c
+++ b/arch/x86/kvm/svm/svm.c
@@ -900,5 +900,0 @@
-static struct vmcb *svm_get_lbr_vmcb(struct vcpu_svm *svm)
-{
-	return NULL;
-}
-
%SIG%
"#;

pub const E0_RE: &str = r#"
From: Una Reply <una@reply.example>
To: Ian Old <ian@old.example>
Cc: kvm@vger.kernel.org
Subject: Re: [PATCH] KVM: SVM: Drop the unused svm_get_lbr_vmcb() helper
Date: Sat, 10 May 2025 02:00:00 +0000
Message-ID: <reply-1@reply.example>
In-Reply-To: <20250510010000.1-1-ian@old.example>
References: <20250510010000.1-1-ian@old.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
List-Id: <kvm.vger.kernel.org>

Reviewed-by: Una Reply <una@reply.example>
"#;

pub const G0_COVER: &str = r#"
From: Ava Epoch <ava@epoch.example>
To: kvm@vger.kernel.org
Subject: [PATCH v4 0/3] KVM: guest_memfd: Support mmap() of shared memory
Date: Sat, 10 May 2025 10:00:00 +0000
Message-ID: <20250510100000.4-1-ava@epoch.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Let userspace mmap() the shared parts of a guest_memfd so that VMMs no
longer need a second, shadow mapping for device emulation.

v4: rebase, and split the selftest into its own patch.

Ava Epoch (3):
  KVM: guest_memfd: Track mappability per gfn
  KVM: guest_memfd: Allow host mmap() of shared ranges
  KVM: selftests: Test mmap() on guest_memfd

 tools/testing/selftests/kvm/guest_memfd_test.c | 40 ++++++++++++
 virt/kvm/guest_memfd.c                         | 62 ++++++++++++++++--
 2 files changed, 96 insertions(+), 6 deletions(-)


base-commit: 0123456789abcdef0123456789abcdef01234567
%SIG%
"#;

/// Patch `index` of the v4 series, threaded to [`G0_COVER`].
pub fn g_patch(index: u32, title: &str, minute: u32) -> String {
    let files = if index == 3 {
        " tools/testing/selftests/kvm/guest_memfd_test.c | 40 ++++++++++++\n 1 file changed, 40 insertions(+)"
    } else {
        " virt/kvm/guest_memfd.c | 31 ++++++++++++++++++++++++++++---\n 1 file changed, 28 insertions(+), 3 deletions(-)"
    };
    mail(&format!(
        r#"
From: Ava Epoch <ava@epoch.example>
To: kvm@vger.kernel.org
Subject: [PATCH v4 {index}/3] {title}
Date: Sat, 10 May 2025 10:{minute:02}:00 +0000
Message-ID: <20250510100000.4-{n}-ava@epoch.example>
X-Mailer: git-send-email 2.43.0
In-Reply-To: <20250510100000.4-1-ava@epoch.example>
References: <20250510100000.4-1-ava@epoch.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Patch {index} of the mmap() series: {title}.

Signed-off-by: Ava Epoch <ava@epoch.example>
---
{files}

diff --git a/virt/kvm/guest_memfd.c b/virt/kvm/guest_memfd.c
index c3d4e5f6a7b8..d4e5f6a7b8c9 100644
--- a/virt/kvm/guest_memfd.c
+++ b/virt/kvm/guest_memfd.c
@@ -1,3 +1,4 @@
+/* patch {index} */
%SIG%
"#,
        n = index + 1
    ))
}

pub const G1_TITLE: &str = "KVM: guest_memfd: Track mappability per gfn";
pub const G2_TITLE: &str = "KVM: guest_memfd: Allow host mmap() of shared ranges";
pub const G3_TITLE: &str = "KVM: selftests: Test mmap() on guest_memfd";

pub const E1_PULL: &str = r#"
From: Otto Arm <otto@arm.example>
To: kvm@vger.kernel.org
Subject: [GIT PULL] KVM/arm64 fixes for 6.15, take #3
Date: Sun, 11 May 2025 00:00:00 +0000
Message-ID: <pull-3@arm.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
List-Id: <kvm.vger.kernel.org>

Paolo,

Here is the third batch of arm64 fixes.

The following changes since commit 0123456789abcdef0123456789abcdef01234567:

  KVM: arm64: Fix the last fix (2025-05-01 00:00:00 +0000)

are available in the Git repository at:

  https://git.kernel.example/pub/scm/linux/kernel/git/kvmarm/kvmarm.git tags/kvmarm-fixes-6.15-3
"#;

pub const E1_LATE: &str = r#"
From: Lea Late <lea@late.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: x86: Use kvm_rip_read() in the emulator
Date: Mon, 12 May 2025 00:00:00 +0000
Message-ID: <20250512000000.5-1-lea@late.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Use the helper instead of reading the register cache directly.

Signed-off-by: Lea Late <lea@late.example>
---
 arch/x86/kvm/emulate.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/x86/kvm/emulate.c b/arch/x86/kvm/emulate.c
index e5f6a7b8c9d0..f6a7b8c9d0e1 100644
--- a/arch/x86/kvm/emulate.c
+++ b/arch/x86/kvm/emulate.c
@@ -2000,7 +2000,7 @@
-	ctxt->eip = vcpu->arch.regs[VCPU_REGS_RIP];
+	ctxt->eip = kvm_rip_read(vcpu);
%SIG%
"#;

/// Writes the v2 inbox `dir/kvm-v2` with two epochs:
///
/// epoch 0: 0 E0_OLD, 1 E0_RE, 2 G0_COVER, 3 g_patch(1)
/// epoch 1: 0 g_patch(2), 1 g_patch(3), 2 E1_PULL, 3 deletion, 4 E1_LATE
pub fn kvm_v2(dir: &Path) -> Inbox {
    let e0 = Epoch::new()
        .mail(mail(E0_OLD), T2 + HOUR)
        .mail(mail(E0_RE), T2 + 2 * HOUR)
        .mail(mail(G0_COVER), T2 + 10 * HOUR)
        .mail(g_patch(1, G1_TITLE, 1), T2 + 10 * HOUR + 60);
    let e1 = Epoch::new()
        .mail(g_patch(2, G2_TITLE, 2), T2 + 10 * HOUR + 120)
        .mail(g_patch(3, G3_TITLE, 3), T2 + 10 * HOUR + 180)
        .mail(mail(E1_PULL), T2 + DAY)
        .deletion(T2 + DAY + HOUR)
        .mail(mail(E1_LATE), T2 + 2 * DAY);
    Inbox::v2(&dir.join("kvm-v2"), vec![e0, e1])
}

/// A small archive without List-Id whose commits are relative to now, for
/// `--since 7d` / `24h`: mails 10 days, 3 days and 1 hour old.
pub fn recent(dir: &Path, now: i64) -> Repo {
    let m = |n: u32, title: &str| {
        mail(&format!(
            r#"
From: Rita Recent <rita@recent.example>
To: linux-hyperv@vger.kernel.org
Subject: [PATCH] {title}
Message-ID: <recent-{n}@recent.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8

Recent patch {n}.

Signed-off-by: Rita Recent <rita@recent.example>
---
 drivers/hv/vmbus_drv.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/drivers/hv/vmbus_drv.c b/drivers/hv/vmbus_drv.c
--- a/drivers/hv/vmbus_drv.c
+++ b/drivers/hv/vmbus_drv.c
@@ -1 +1 @@
-a
+b
%SIG%
"#
        ))
    };
    Epoch::new()
        .mail(m(1, "Drivers: hv: Ten days old"), now - 10 * DAY)
        .mail(m(2, "Drivers: hv: Three days old"), now - 3 * DAY)
        .mail(m(3, "Drivers: hv: One hour old"), now - HOUR)
        .write(&dir.join("hyperv"))
}

// ---------------------------------------------------------------------------
// The edge-case archive: harder variants of the same rules.

/// In-body `From:` RFC 2047-encoded (git format-patch encodes non-ASCII
/// names there too); Subject split into two adjacent encoded-words across a
/// fold, whose separating whitespace must vanish.
pub const X_INBODY_ENCODED: &str = r#"
From: Max Maintainer <max@y.com>
To: kvm@vger.kernel.org
Subject: [PATCH] =?UTF-8?Q?KVM:_x86:_Don=E2=80=99t_?=
 =?UTF-8?Q?leak_the_caf=C3=A9_counter?=
Date: Tue, 20 May 2025 09:00:00 +0000
Message-ID: <20250520090000.1-1-max@y.com>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

From: =?UTF-8?q?Zo=C3=AB=20M=C3=BCller?= <zoe.mueller@example.de>

The counter is allocated per VM but never freed on the error path.

Signed-off-by: Zoë Müller <zoe.mueller@example.de>
Signed-off-by: Max Maintainer <max@y.com>
---
 arch/x86/kvm/x86.c | 1 +
 1 file changed, 1 insertion(+)

diff --git a/arch/x86/kvm/x86.c b/arch/x86/kvm/x86.c
index 0a1b2c3d4e5f..1b2c3d4e5f60 100644
--- a/arch/x86/kvm/x86.c
+++ b/arch/x86/kvm/x86.c
@@ -12800,6 +12800,7 @@
+	kfree(kvm->arch.cafe_counter);
%SIG%
"#;

pub const X_INBODY_ENCODED_SUBJECT: &str = "[PATCH] KVM: x86: Don’t leak the café counter";

/// Outlook-style: CRLF everywhere, a folded Subject, and quoted-printable
/// soft line breaks written as `=\r\n` (see [`x_outlook`]).
const X_OUTLOOK: &str = r#"
From: Oscar Outlook <oscar@outlook-corp.example>
To: "kvm@vger.kernel.org" <kvm@vger.kernel.org>
Subject: [PATCH v2] KVM: arm64: Handle the PMU overflow interrupt
 in the vGIC fast path
Thread-Topic: [PATCH v2] KVM: arm64: Handle the PMU overflow interrupt in the vGIC fast path
Date: Tue, 20 May 2025 09:10:00 +0000
Message-ID: <DM6PR11MB4444A1B2C3D4E5F6@DM6PR11MB4444.namprd11.prod.outlook-corp.example>
Accept-Language: en-US
Content-Language: en-US
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: quoted-printable
List-Id: <kvm.vger.kernel.org>

The PMU overflow interrupt is injected through the slow path, which costs =
an extra exit. Inject it directly from the vGIC fast path; it=E2=80=99s =
already safe there.

Signed-off-by: Oscar Outlook <oscar@outlook-corp.example>
---
 arch/arm64/kvm/pmu-emul.c | 4 ++--
 1 file changed, 2 insertions(+), 2 deletions(-)

diff --git a/arch/arm64/kvm/pmu-emul.c b/arch/arm64/kvm/pmu-emul.c
index 2c3d4e5f6071..3d4e5f607182 100644
--- a/arch/arm64/kvm/pmu-emul.c
+++ b/arch/arm64/kvm/pmu-emul.c
@@ -400,7 +400,7 @@
-	kvm_vgic_inject_irq(vcpu->kvm, vcpu, irq, level, pmu);
+	vgic_fast_inject(vcpu, irq, level);
--=20
2.43.0
"#;

pub fn x_outlook() -> String {
    crlf(&mail(X_OUTLOOK))
}

/// Base64 body in ISO-8859-1, from an ISO-8859-1 Q-encoded name.
pub fn x_b64_latin1() -> Vec<u8> {
    let headers = mail(
        r#"
From: =?iso-8859-1?Q?J=FCrgen_Wei=DF?= <juergen@s390.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: s390: Document the TOD clock drift units
Date: Tue, 20 May 2025 09:20:00 +0000
Message-ID: <20250520092000.3-1-juergen@s390.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: base64
List-Id: <kvm.vger.kernel.org>

"#,
    );
    let body = mail(
        r#"
State the unit of the drift field, as the last fix showed it was unclear.

Suggested-by: François Lévêque <francois@s390.example>
Signed-off-by: Jürgen Weiß <juergen@s390.example>
---
 Documentation/virt/kvm/s390/s390-pv.rst | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/Documentation/virt/kvm/s390/s390-pv.rst b/Documentation/virt/kvm/s390/s390-pv.rst
--- a/Documentation/virt/kvm/s390/s390-pv.rst
+++ b/Documentation/virt/kvm/s390/s390-pv.rst
@@ -1 +1 @@
-drift
+drift (in TOD clock units)
%SIG%
"#,
    );
    let mut raw = headers.into_bytes();
    raw.extend_from_slice(base64_lines(&latin1(&body)).as_bytes());
    raw
}

/// Two unrelated, unnumbered patches from one author a minute apart: two
/// series, not one.
pub fn x_single(n: u32, title: &str, minute: u32) -> String {
    mail(&format!(
        r#"
From: Sam Single <sam@single.example>
To: kvm@vger.kernel.org
Subject: [PATCH] {title}
Date: Tue, 20 May 2025 09:{minute:02}:00 +0000
Message-ID: <20250520093000.{n}-1-sam@single.example>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit
List-Id: <kvm.vger.kernel.org>

Unrelated fix number {n}.

Signed-off-by: Sam Single <sam@single.example>
---
 arch/x86/kvm/lapic.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/x86/kvm/lapic.c b/arch/x86/kvm/lapic.c
--- a/arch/x86/kvm/lapic.c
+++ b/arch/x86/kvm/lapic.c
@@ -1 +1 @@
-a
+b
%SIG%
"#
    ))
}

pub const X_SINGLE1_TITLE: &str = "KVM: x86: Fix the first unrelated thing";
pub const X_SINGLE2_TITLE: &str = "KVM: x86: Fix the second unrelated thing";

/// A Gmail-style Message-ID: mixed case, `=` and `+`.
pub const X_MIXED_MSGID: &str = r#"
From: Gina Gmail <gina.gmail@gmail.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: selftests: Fix the build with clang-20
Date: Tue, 20 May 2025 09:40:00 +0000
Message-ID: <CAHk-=wgXyZ1AbC+dEfGhIjKlMnOpQ@mail.gmail.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
List-Id: <kvm.vger.kernel.org>

clang-20 warns about the unused variable.

Signed-off-by: Gina Gmail <gina.gmail@gmail.example>
---
 tools/testing/selftests/kvm/lib/kvm_util.c | 1 -
 1 file changed, 1 deletion(-)

diff --git a/tools/testing/selftests/kvm/lib/kvm_util.c b/tools/testing/selftests/kvm/lib/kvm_util.c
--- a/tools/testing/selftests/kvm/lib/kvm_util.c
+++ b/tools/testing/selftests/kvm/lib/kvm_util.c
@@ -1 +0,0 @@
-	int unused;
%SIG%
"#;

pub const X_MIXED_MSGID_ID: &str = "CAHk-=wgXyZ1AbC+dEfGhIjKlMnOpQ@mail.gmail.example";

/// In-body `From:` naming the header sender again, in another case: the
/// same person, so no "sent by".
pub const X_SAME_SENDER: &str = r#"
From: BOB BUILDER <Bob.Builder@Example.COM>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: arm64: vgic-its: Fix a comment typo
Date: Tue, 20 May 2025 09:50:00 +0000
Message-ID: <20250520095000.5-1-bob.builder@example.com>
X-Mailer: git-send-email 2.43.0
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
List-Id: <kvm.vger.kernel.org>

From: Bob Builder <bob.builder@example.com>

s/colection/collection/

Signed-off-by: Bob Builder <bob.builder@example.com>
---
 arch/arm64/kvm/vgic/vgic-its.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/arch/arm64/kvm/vgic/vgic-its.c b/arch/arm64/kvm/vgic/vgic-its.c
--- a/arch/arm64/kvm/vgic/vgic-its.c
+++ b/arch/arm64/kvm/vgic/vgic-its.c
@@ -1 +1 @@
-/* colection */
+/* collection */
%SIG%
"#;

/// Outlook's upper-case reply prefix.
pub const X_RE_UPPER: &str = r#"
From: Oscar Outlook <oscar@outlook-corp.example>
To: Sam Single <sam@single.example>
CC: "kvm@vger.kernel.org" <kvm@vger.kernel.org>
Subject: RE: [PATCH] KVM: x86: Fix the first unrelated thing
Date: Tue, 20 May 2025 10:00:00 +0000
Message-ID: <DM6PR11MB4444B2C3@DM6PR11MB4444.namprd11.prod.outlook-corp.example>
In-Reply-To: <20250520093000.1-1-sam@single.example>
References: <20250520093000.1-1-sam@single.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="us-ascii"
List-Id: <kvm.vger.kernel.org>

> ---
>  arch/x86/kvm/lapic.c | 2 +-
>  1 file changed, 1 insertion(+), 1 deletion(-)

Reviewed-by: Oscar Outlook <oscar@outlook-corp.example>
"#;

/// A series whose patches arrive before their cover letter; 2/2 carries
/// only References (no In-Reply-To).
pub fn x_order(index: u32, minute: u32) -> String {
    let (title, reply, stat) = match index {
        0 => (
            "KVM: x86: Clean up the APIC timer code",
            "",
            " 2 files changed, 10 insertions(+), 12 deletions(-)",
        ),
        1 => (
            "KVM: x86: Drop the unused apic_timer_expired() argument",
            "In-Reply-To: <20250520101000.6-1-olga@order.example>\nReferences: <20250520101000.6-1-olga@order.example>\n",
            " 1 file changed, 4 insertions(+), 6 deletions(-)",
        ),
        _ => (
            "KVM: x86: Rename the APIC timer helpers",
            "References: <20250520101000.6-1-olga@order.example>\n",
            " 1 file changed, 6 insertions(+), 6 deletions(-)",
        ),
    };
    let body = if index == 0 {
        format!(
            "Two small cleanups.\n\nOlga Order (2):\n  KVM: x86: Drop the unused apic_timer_expired() argument\n  \
             KVM: x86: Rename the APIC timer helpers\n\n arch/x86/kvm/lapic.c | 22 ++++++++++------------\n{stat}\n\n\
             base-commit: 0123456789abcdef0123456789abcdef01234567\n%SIG%\n"
        )
    } else {
        format!(
            "Cleanup {index}.\n\nSigned-off-by: Olga Order <olga@order.example>\n---\n arch/x86/kvm/lapic.c | 10 +++++-----\n{stat}\n\n\
             diff --git a/arch/x86/kvm/lapic.c b/arch/x86/kvm/lapic.c\n--- a/arch/x86/kvm/lapic.c\n+++ b/arch/x86/kvm/lapic.c\n\
             @@ -1 +1 @@\n-a\n+b\n%SIG%\n"
        )
    };
    mail(&format!(
        "From: Olga Order <olga@order.example>\nTo: kvm@vger.kernel.org\nSubject: [PATCH {index}/2] {title}\n\
         Date: Tue, 20 May 2025 10:{minute:02}:00 +0000\nMessage-ID: <20250520101000.6-{n}-olga@order.example>\n\
         X-Mailer: git-send-email 2.43.0\n{reply}MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\
         List-Id: <kvm.vger.kernel.org>\n\n{body}",
        n = index + 1
    ))
}

/// PGP/MIME: multipart/signed whose first part is a quoted-printable
/// text/plain; the signature part is not body.
pub const X_PGP: &str = r#"
From: Petra Pgp <petra@pgp.example>
To: kvm@vger.kernel.org
Subject: [PATCH] KVM: SVM: Skip the AVIC doorbell for offline CPUs
Date: Tue, 20 May 2025 10:30:00 +0000
Message-ID: <87h6fz0abc.fsf@pgp.example>
MIME-Version: 1.0
Content-Type: multipart/signed; micalg=pgp-sha256;
	protocol="application/pgp-signature"; boundary="=-=-="
List-Id: <kvm.vger.kernel.org>

--=-=-=
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

The doorbell must not target a CPU that went offline; check
cpu_online() first. Reported by Ren=C3=A9.

Signed-off-by: Petra Pgp <petra@pgp.example>
---
 arch/x86/kvm/svm/avic.c | 3 ++-
 1 file changed, 2 insertions(+), 1 deletion(-)

diff --git a/arch/x86/kvm/svm/avic.c b/arch/x86/kvm/svm/avic.c
--- a/arch/x86/kvm/svm/avic.c
+++ b/arch/x86/kvm/svm/avic.c
@@ -1 +1,2 @@
-	wrmsr(MSR_AMD64_SVM_AVIC_DOORBELL, cpu, 0);
+	if (cpu_online(cpu))
+		wrmsr(MSR_AMD64_SVM_AVIC_DOORBELL, cpu, 0);
--=20
2.43.0

--=-=-=
Content-Type: application/pgp-signature; name="signature.asc"

-----BEGIN PGP SIGNATURE-----

iQEzBAEBCAAdFiEEfixturefixturefixturefixturefixture=
=abcd
-----END PGP SIGNATURE-----
--=-=-=--
"#;

/// Edge-case archive `dir/edge.git`, 12 mails on 20 May 2025, all selected
/// by `--range TIP`: 10 patches, 1 cover letter, 1 reply; 9 series.
pub fn kvm_edge(dir: &Path) -> Repo {
    let t = T0 + 19 * DAY + 9 * HOUR; // 2025-05-20T09:00:00Z
    Epoch::new()
        .mail(mail(X_INBODY_ENCODED), t)
        .mail(x_outlook(), t + 600)
        .mail(x_b64_latin1(), t + 1200)
        .mail(x_single(1, X_SINGLE1_TITLE, 30), t + 1800)
        .mail(x_single(2, X_SINGLE2_TITLE, 31), t + 1860)
        .mail(mail(X_MIXED_MSGID), t + 2400)
        .mail(mail(X_SAME_SENDER), t + 3000)
        .mail(mail(X_RE_UPPER), t + 3600)
        .mail(x_order(1, 10), t + 4200)
        .mail(x_order(2, 11), t + 4260)
        .mail(x_order(0, 9), t + 4320)
        .mail(mail(X_PGP), t + 5400)
        .write(&dir.join("edge.git"))
}

// ---------------------------------------------------------------------------
// A v2 inbox with 13 epochs: a v3 series of 11 patches, one mail per epoch
// (cover in 0, patch N in N), and an empty, just-rolled-over epoch 12.
// Epoch order must be numeric (git/10.git after git/9.git).

/// 2025-05-30T00:00:00Z.
pub const T4: i64 = T0 + 29 * DAY;

pub fn many_title(index: u32) -> String {
    if index == 0 {
        "KVM: x86: Split the emulator into eleven pieces".to_string()
    } else {
        format!("KVM: x86: Emulator split, part {index}")
    }
}

pub fn many_mail(index: u32) -> String {
    let title = many_title(index);
    let thread = if index == 0 {
        String::new()
    } else {
        "In-Reply-To: <20250530000000.9-0-eve@many.example>\nReferences: <20250530000000.9-0-eve@many.example>\n".to_string()
    };
    let body = if index == 0 {
        "Split the emulator.\n\nEve Many (11):\n  ...\n\n arch/x86/kvm/emulate.c | 110 +++++++++++-----\n 1 file changed, 55 insertions(+), 55 deletions(-)\n\nbase-commit: 0123456789abcdef0123456789abcdef01234567\n%SIG%\n".to_string()
    } else {
        format!(
            "Part {index} of the split.\n\nSigned-off-by: Eve Many <eve@many.example>\n---\n arch/x86/kvm/emulate.c | 10 +++++-----\n 1 file changed, 5 insertions(+), 5 deletions(-)\n\n\
             diff --git a/arch/x86/kvm/emulate.c b/arch/x86/kvm/emulate.c\n--- a/arch/x86/kvm/emulate.c\n+++ b/arch/x86/kvm/emulate.c\n\
             @@ -1 +1 @@\n-a\n+b\n%SIG%\n"
        )
    };
    mail(&format!(
        "From: Eve Many <eve@many.example>\nTo: kvm@vger.kernel.org\nSubject: [PATCH v3 {index:02}/11] {title}\n\
         Date: Fri, 30 May 2025 00:{index:02}:00 +0000\nMessage-ID: <20250530000000.9-{index}-eve@many.example>\n\
         X-Mailer: git-send-email 2.43.0\n{thread}MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\
         List-Id: <kvm.vger.kernel.org>\n\n{body}"
    ))
}

/// Writes `dir/many`: epochs 0..=11 with one mail each at T4 + N minutes,
/// epoch 12 empty.
pub fn many_epochs(dir: &Path) -> Inbox {
    let mut epochs: Vec<Epoch> = (0..=11)
        .map(|i| Epoch::new().mail(many_mail(i), T4 + 60 * i64::from(i)))
        .collect();
    epochs.push(Epoch::new());
    Inbox::v2(&dir.join("many"), epochs)
}

// ---------------------------------------------------------------------------
// An archive of hostile mail for the HTML format: subjects, names and
// bodies that would run script, load an image or break out of <title>,
// <style>, <pre> or an attribute if they reached the page unescaped. The
// script and handlers set `document.title`, so a browser test sees whether
// any ran. Spread over three days, with a v2 of the series, a review, a pull
// request, a bug report and a discussion, so every section of the page shows.

pub const HOSTILE_TITLE: &str =
    "<script>document.title='pwned'</script> & \"quotes\" </title></style> ]]>";
pub const HOSTILE_NAME: &str = "\"><img src=x onerror=\"document.title='pwned'\">";

fn hostile_mail(from: &str, subject: &str, id: &str, reply_to: Option<&str>, body: &str) -> String {
    let thread = reply_to
        .map(|r| format!("In-Reply-To: <{r}>\nReferences: <{r}>\n"))
        .unwrap_or_default();
    mail(&format!(
        "From: {from}\nTo: kvm@vger.kernel.org\nSubject: {subject}\nMessage-ID: <{id}>\n{thread}\
         MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nList-Id: <kvm.vger.kernel.org>\n\n{body}"
    ))
}

/// Writes `dir/hostile.git`: nine mails from 2025-05-01 to 2025-05-03.
pub fn hostile(dir: &Path) -> Repo {
    // The name is quoted as RFC 5322 wants, its quotes escaped.
    let evil = format!("\"{}\" <evil@x.org>", HOSTILE_NAME.replace('"', "\\\""));
    let reviewer = "\"</style><script>document.title='pwned'</script>\" <rev@y.org>";
    let cover_body = "Cover <b>bold</b> </pre><script>document.title='pwned'</script>\n\n\
         v2:\n- <img src=x onerror=\"document.title='pwned'\"> fixed ]]>\n\n\
         Evil (1):\n  evil\n\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n";
    let patch_body = "Commit message with </pre></details><script>document.title='pwned'</script>\n\
         and <img src=x onerror=\"document.title='pwned'\"> & ampersands.\n\n\
         Signed-off-by: Evil <evil@x.org>\n---\n a.c | 1 +\n 1 file changed, 1 insertion(+)\n\n\
         diff --git a/a.c b/a.c\n%SIG%\n";
    let day = |n: i64, m: i64| T0 + n * DAY + m * 60;
    Epoch::new()
        .mail(
            hostile_mail(&evil, &format!("[PATCH 1/1] {HOSTILE_TITLE}"), "h-v1@x.org", None, patch_body),
            day(0, 0),
        )
        .mail(
            hostile_mail(&evil, &format!("[PATCH v2 0/1] {HOSTILE_TITLE}"), "h-v2-0@x.org", None, cover_body),
            day(1, 0),
        )
        .mail(
            hostile_mail(
                &evil,
                &format!("[PATCH v2 1/1] {HOSTILE_TITLE}"),
                "h-v2-1@x.org",
                Some("h-v2-0@x.org"),
                patch_body,
            ),
            day(1, 1),
        )
        .mail(
            hostile_mail(
                reviewer,
                &format!("Re: [PATCH v2 1/1] {HOSTILE_TITLE}"),
                "h-r1@y.org",
                Some("h-v2-1@x.org"),
                "Looks fine.\n\nReviewed-by: </style><script>document.title='pwned'</script> <rev@y.org>\n",
            ),
            day(1, 30),
        )
        .mail(
            hostile_mail(
                &evil,
                "[GIT PULL] <img src=x onerror=\"document.title='pwned'\"> for v6.16",
                "h-pull@x.org",
                None,
                "Please pull.\n",
            ),
            day(2, 0),
        )
        .mail(
            hostile_mail(
                "Bug <bug@z.org>",
                "[BUG] <svg onload=\"document.title='pwned'\"> crash in <b>kvm</b>",
                "h-bug@z.org",
                None,
                "It crashes.\n",
            ),
            day(2, 10),
        )
        .mail(
            hostile_mail(
                reviewer,
                "Re: [BUG] <svg onload=\"document.title='pwned'\"> crash in <b>kvm</b>",
                "h-bug-r@y.org",
                Some("h-bug@z.org"),
                "Same here.\n",
            ),
            day(2, 20),
        )
        .mail(
            hostile_mail(
                "Chat <chat@z.org>",
                "Question: <iframe src=\"https://evil.example/\"></iframe> 'quoted' & more",
                "h-chat@z.org",
                None,
                "What about <style>body{display:none}</style>?\n",
            ),
            day(2, 30),
        )
        .mail(
            hostile_mail(
                &evil,
                "Re: Question: <iframe src=\"https://evil.example/\"></iframe> 'quoted' & more",
                "h-chat-r@x.org",
                Some("h-chat@z.org"),
                "Answer.\n",
            ),
            day(2, 40),
        )
        .write(&dir.join("hostile.git"))
}
