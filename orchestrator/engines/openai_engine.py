"""``openai:<model>``: OpenAI (or a compatible endpoint) through the official SDK.

Chat completions with ``response_format`` set to the output model's strict JSON schema (the
SDK's ``chat.completions.parse``); SDK exceptions are mapped to ``EngineError`` here, once.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from orchestrator.domain import KB_CATEGORIES

from orchestrator.engines.base import EngineError
from orchestrator.engines.provider import (
    OutputT,
    ProviderEngine,
    ProviderOptions,
    malformed,
    provider_failure,
    validate_output,
)


class OpenAIStructured:
    def __init__(self, options: ProviderOptions) -> None:
        from openai import AsyncOpenAI

        self.options = options
        self.name = f"openai:{options.model}"
        self._client = AsyncOpenAI(**options.sdk_arguments())

    async def complete(self, system: str, user: str, output: type[OutputT]) -> OutputT:
        import openai

        try:
            completion = await self._client.chat.completions.parse(
                model=self.options.model,
                messages=[
                    {"role": "system", "content": system},
                    {"role": "user", "content": user},
                ],
                response_format=output,
                max_completion_tokens=self.options.max_output_tokens,
            )
        except (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError) as error:
            raise EngineError(
                f"{self.name}: no complete {output.__name__} ({type(error).__name__})"
            ) from None
        except openai.OpenAIError as error:
            raise provider_failure(self.name, error) from None
        except ValidationError as error:
            raise malformed(self.name, output, error) from None
        if not completion.choices:
            raise EngineError(f"{self.name}: malformed {output.__name__}: no choices")
        message = completion.choices[0].message
        if message.refusal:
            raise EngineError(f"{self.name}: the model refused to answer")
        if message.parsed is None:
            return validate_output(self.name, output, message.content or "")
        return message.parsed

    async def aclose(self) -> None:
        await self._client.close()


class OpenAIEngine(ProviderEngine):
    def __init__(self, options: ProviderOptions, categories: Sequence[str] = KB_CATEGORIES) -> None:
        super().__init__(OpenAIStructured(options), categories)
