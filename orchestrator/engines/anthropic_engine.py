"""``anthropic:<model>``: Claude through the official SDK, with structured outputs.

The Messages API is asked for JSON matching the output model's schema
(``output_config.format = {"type": "json_schema", ...}``); the text block it returns is
validated locally. SDK exceptions are mapped to ``EngineError`` here, once.
"""

from __future__ import annotations

from collections.abc import Sequence

from orchestrator.domain import KB_CATEGORIES

from orchestrator.engines.base import EngineError
from orchestrator.engines.provider import (
    OutputT,
    ProviderEngine,
    ProviderOptions,
    provider_failure,
    validate_output,
)


class AnthropicStructured:
    def __init__(self, options: ProviderOptions) -> None:
        from anthropic import AsyncAnthropic

        self.options = options
        self.name = f"anthropic:{options.model}"
        self._client = AsyncAnthropic(**options.sdk_arguments())

    async def complete(self, system: str, user: str, output: type[OutputT]) -> OutputT:
        import anthropic

        schema = anthropic.transform_schema(output)
        try:
            response = await self._client.messages.create(
                model=self.options.model,
                max_tokens=self.options.max_output_tokens,
                system=system,
                messages=[{"role": "user", "content": user}],
                output_config={"format": {"type": "json_schema", "schema": schema}},
            )
        except anthropic.AnthropicError as error:
            raise provider_failure(self.name, error) from None
        if response.stop_reason in ("max_tokens", "refusal"):
            raise EngineError(
                f"{self.name}: no complete {output.__name__} (stop reason {response.stop_reason})"
            )
        text = "".join(block.text for block in response.content if block.type == "text")
        return validate_output(self.name, output, text)

    async def aclose(self) -> None:
        await self._client.close()


class AnthropicEngine(ProviderEngine):
    def __init__(self, options: ProviderOptions, categories: Sequence[str] = KB_CATEGORIES) -> None:
        super().__init__(AnthropicStructured(options), categories)
