/**
 * The GitHub REST client behind the providers. Not public API: it may change in any release.
 */
package io.releasepipeline.github.internal;
