/**
 * Flat installer packages (xar archives): reading members, signature facts,
 * product/component facts, localizations and the MDM manifest.
 */
export { DEFAULT_XAR_LIMITS, isXarMagic, openXar, XarArchive } from './xar.js';
export type {
  ChecksumResult,
  XarChecksum,
  XarData,
  XarEntry,
  XarHeader,
  XarHeapBlock,
  XarLimits,
  XarMember,
  XarMemberCopy,
  XarSignatureBlock,
  XarToc,
} from './xar.js';
export { NOT_CHECKED, signatureDiagnostics, signatureFacts } from './signature.js';
export type { CertificateFacts, ChainFacts, ChainLink, CmsSignatureFacts, SignatureBlockFacts, SignatureFacts, TocChecksumFacts } from './signature.js';
export { parsePackageInfo } from './package-info.js';
export type { BundleFacts, PackageInfoFacts } from './package-info.js';
export { componentFactsByPkgRef, readPackageContents, synthesizeComponentDistribution } from './product.js';
export type { ComponentPackageContents, PackageContents, ProductArchiveContents, SynthesizeOptions } from './product.js';
export { decodeStringsBytes, listLocalizations, readLocalizations } from './localizations.js';
export type { LocalizationMember, Localizations } from './localizations.js';
export { buildManifest, checkManifest, DEFAULT_CHUNK_SIZE, manifestMetadata } from './manifest.js';
export type { BuildManifestOptions, BuiltManifest, ManifestBundle, ManifestCheck, ManifestHash, ManifestMetadata } from './manifest.js';
